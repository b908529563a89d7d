# Writes OUTPUT (a C++ file) holding INPUT's bytes as crl::demo_rom_bytes().
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by embed.cmake; do not edit.\n"
    "#include \"demo_rom.h\"\n\nnamespace crl {\nnamespace {\n"
    "const std::uint8_t kDemoRom[${byte_count}] = {\n${bytes}\n};\n}  // namespace\n\n"
    "std::span<const std::uint8_t> demo_rom_bytes() { return kDemoRom; }\n\n}  // namespace crl\n")

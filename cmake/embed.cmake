# cmake -DINPUT=file -DOUTPUT=file.cpp -DNAME=identifier -DNAMESPACE=ns -P embed.cmake
# Writes OUTPUT defining `std::span<const std::uint8_t> NAMESPACE::NAME()` with INPUT's bytes, so
# data files (the demo ROM, profiles, the dashboard) live inside the binary.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
if(byte_count EQUAL 0)
    message(FATAL_ERROR "embed.cmake: ${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
    "// Generated from ${INPUT} by cmake/embed.cmake; do not edit.\n"
    "#include <cstdint>\n#include <span>\n\nnamespace ${NAMESPACE} {\nnamespace {\n"
    "const std::uint8_t kBytes[${byte_count}] = {\n${bytes}\n};\n}  // namespace\n\n"
    "std::span<const std::uint8_t> ${NAME}() { return kBytes; }\n\n}  // namespace ${NAMESPACE}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

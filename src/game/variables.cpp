#include "game/variables.h"

#include <bit>
#include <fstream>
#include <sstream>

namespace crl::game {
namespace {

constexpr const char* kTypeList = "u8, u16, u24, u32, i8, i16, i32, bcd, bitcount, bytes:N";

struct Context {
    const std::string& source;
    const std::string& entry;
    [[noreturn]] void fail(const std::string& problem) const {
        throw VariablesError("variables file " + source + ": entry '" + entry + "': " + problem);
    }
};

std::string hex(long value) {
    std::ostringstream out;
    out << "0x" << std::uppercase << std::hex << value;
    return out.str();
}

long parse_number(const nlohmann::json& value, const Context& context, const char* field) {
    if (value.is_number_integer()) return value.get<long>();
    if (value.is_string()) {
        const auto text = value.get<std::string>();
        try {
            std::size_t used = 0;
            const long number = std::stol(text, &used, 0);
            if (used == text.size()) return number;
        } catch (const std::logic_error&) {
        }
    }
    context.fail(std::string("'") + field + "' must be a number such as 49414 or \"0xC106\", got " +
                 value.dump());
}

void parse_type(Variable& variable, const std::string& type, const Context& context) {
    struct Named {
        const char* name;
        VariableType type;
        int size;
    };
    static constexpr Named kFixed[] = {
        {"u8", VariableType::kUnsigned, 1},      {"u16", VariableType::kUnsigned, 2},
        {"u24", VariableType::kUnsigned, 3},     {"u32", VariableType::kUnsigned, 4},
        {"i8", VariableType::kSigned, 1},        {"i16", VariableType::kSigned, 2},
        {"i32", VariableType::kSigned, 4},       {"bcd", VariableType::kBcd, 1},
        {"bitcount", VariableType::kBitcount, 1}};
    for (const auto& named : kFixed) {
        if (type == named.name) {
            variable.type = named.type;
            variable.size = named.size;
            return;
        }
    }
    if (type.rfind("bytes:", 0) == 0) {
        try {
            std::size_t used = 0;
            const int count = std::stoi(type.substr(6), &used);
            if (used == type.size() - 6 && count >= 1 && count <= 4096) {
                variable.type = VariableType::kBytes;
                variable.size = count;
                return;
            }
        } catch (const std::logic_error&) {
        }
        context.fail("'" + type + "' needs a byte count from 1 to 4096, as in bytes:6");
    }
    context.fail("unknown type '" + type + "' (use " + kTypeList + ")");
}

Variable parse_entry(const std::string& name, const nlohmann::json& entry,
                     const std::string& source, const SymbolTable* symbols) {
    const Context context{source, name};
    if (!entry.is_object())
        context.fail("must be an object such as {\"address\": \"0xC106\", \"type\": \"u8\"}");
    Variable variable;
    variable.name = name;
    if (!entry.contains("type") || !entry["type"].is_string()) {
        context.fail(std::string("needs a \"type\" (") + kTypeList + ")");
    }
    parse_type(variable, entry["type"].get<std::string>(), context);

    const bool has_address = entry.contains("address"), has_symbol = entry.contains("symbol");
    if (has_address == has_symbol) context.fail("give exactly one of \"address\" or \"symbol\"");
    long address = 0;
    if (has_symbol) {
        const auto symbol_name =
            entry["symbol"].is_string() ? entry["symbol"].get<std::string>() : "";
        if (!symbols) {
            context.fail("names symbol '" + symbol_name +
                         "' but no symbol file was given (--sym FILE)");
        }
        const auto symbol = symbols->find(symbol_name);
        if (!symbol)
            context.fail("unknown symbol '" + symbol_name + "' (not in " + symbols->source() + ")");
        address = symbol->address;
        variable.bank = symbol->bank;
    } else {
        address = parse_number(entry["address"], context, "address");
    }
    if (entry.contains("bank"))
        variable.bank = static_cast<int>(parse_number(entry["bank"], context, "bank"));

    if (address < 0 || address + variable.size - 1 > 0xFFFF) {
        context.fail("address " + hex(address) +
                     (variable.size > 1 ? " (+" + std::to_string(variable.size) + " bytes)" : "") +
                     " is outside the Game Boy's address space (0x0000-0xFFFF)");
    }
    variable.address = static_cast<std::uint16_t>(address);
    if (variable.bank < -1 || variable.bank > 0x1FF)
        context.fail("bank " + std::to_string(variable.bank) + " is out of range");
    if (address >= 0xD000 && address < 0xE000 && variable.bank > 7) {
        context.fail("bank " + std::to_string(variable.bank) + " for " + hex(address) +
                     ": Game Boy Color work RAM has banks 1 to 7");
    }

    if (entry.contains("size")) {
        if (variable.type != VariableType::kBcd && variable.type != VariableType::kBitcount) {
            context.fail("\"size\" applies to bcd and bitcount; the type already fixes it");
        }
        const long size = parse_number(entry["size"], context, "size");
        if (size < 1 || size > 8)
            context.fail("size " + std::to_string(size) + " must be from 1 to 8 bytes");
        variable.size = static_cast<int>(size);
        if (variable.address + variable.size - 1 > 0xFFFF) context.fail("runs past 0xFFFF");
    }
    variable.big_endian = variable.type == VariableType::kBcd;
    if (entry.contains("endian")) {
        const auto endian = entry["endian"].is_string() ? entry["endian"].get<std::string>() : "";
        if (endian != "little" && endian != "big") {
            context.fail("endian must be \"little\" or \"big\", got " + entry["endian"].dump());
        }
        variable.big_endian = endian == "big";
    }
    return variable;
}

}  // namespace

std::vector<std::uint8_t> Variable::read_bytes(const Memory& memory) const {
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i)
        bytes[static_cast<std::size_t>(i)] =
            memory.read(bank, static_cast<std::uint16_t>(address + i));
    return bytes;
}

std::int64_t Variable::read_number(const Memory& memory) const {
    // Byte by byte from memory, no list in between: profiles read these every step.
    auto byte_at = [&](int significance) -> std::uint8_t {  // 0 = least significant
        const int offset = big_endian ? size - 1 - significance : significance;
        return memory.read(bank, static_cast<std::uint16_t>(address + offset));
    };
    std::int64_t value = 0;
    switch (type) {
        case VariableType::kBitcount:
            for (int i = 0; i < size; ++i)
                value += std::popcount(byte_at(i));
            return value;
        case VariableType::kBcd:
            for (int i = size - 1; i >= 0; --i) {
                const auto byte = byte_at(i);
                value = value * 100 + (byte >> 4) * 10 + (byte & 0x0F);
            }
            return value;
        case VariableType::kSigned:
        case VariableType::kUnsigned:
        case VariableType::kBytes:
            for (int i = size - 1; i >= 0; --i)
                value = value << 8 | byte_at(i);
            if (type == VariableType::kSigned && (value >> (size * 8 - 1)) & 1)
                value -= std::int64_t{1} << (size * 8);
            return value;
    }
    return value;
}

nlohmann::json Variable::read(const Memory& memory) const {
    if (type == VariableType::kBytes) return read_bytes(memory);
    return read_number(memory);
}

VariablesFile VariablesFile::parse(const std::string& text, const std::string& source,
                                   const SymbolTable* symbols) {
    VariablesFile file;
    file.source = source;
    try {
        file.document = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {  // parse errors and 1e400 alike
        throw VariablesError("variables file " + source + ": not valid JSON: " + error.what());
    }
    if (file.document.is_object() && file.document.contains("badges_possible")) {
        const auto& possible = file.document["badges_possible"];
        if (!possible.is_number_integer() || possible.get<long long>() < 0 ||
            possible.get<long long>() > 64) {
            throw VariablesError("variables file " + source +
                                 ": \"badges_possible\" must be a whole number from 0 to 64, "
                                 "got " +
                                 possible.dump());
        }
    }
    if (!file.document.is_object() || !file.document.contains("variables") ||
        !file.document["variables"].is_object()) {
        throw VariablesError(
            "variables file " + source +
            ": expected an object with \"variables\": {name: {address, type}, ...}");
    }
    for (const auto& [name, entry] : file.document["variables"].items()) {
        file.variables.push_back(parse_entry(name, entry, source, symbols));
    }
    if (file.document.contains("ready_when")) {
        const auto& ready = file.document["ready_when"];
        const bool well_formed = ready.is_object() && ready.contains("variable") &&
                                 ready["variable"].is_string() && ready.contains("equals") &&
                                 ready["equals"].is_number_integer();
        if (!well_formed) {
            throw VariablesError("variables file " + source +
                                 ": \"ready_when\" must be {\"variable\": NAME, \"equals\": "
                                 "WHOLE NUMBER}, got " +
                                 ready.dump());
        }
        if (!file.find(ready["variable"].get<std::string>())) {
            throw VariablesError("variables file " + source + ": \"ready_when\" names '" +
                                 ready["variable"].get<std::string>() +
                                 "', which is not one of its variables");
        }
    }
    return file;
}

VariablesFile VariablesFile::load(const std::filesystem::path& path, const SymbolTable* symbols) {
    std::ifstream in(path);
    if (!in)
        throw VariablesError("variables file '" + path.string() +
                             "' cannot be opened: check the path");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), "'" + path.string() + "'", symbols);
}

const Variable* VariablesFile::find(const std::string& name) const {
    for (const auto& variable : variables) {
        if (variable.name == name) return &variable;
    }
    return nullptr;
}

}  // namespace crl::game

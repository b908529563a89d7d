// game/variables.h — a game's variables declared as data (in the spirit of stable-retro's
// data.json): name, where it lives (address and bank, or a symbol), and how to read it.
//   "money": {"address": "0xC10A", "type": "bcd", "size": 3}
//   "steps": {"address": "0xC12C", "type": "u16", "endian": "little"}
//   "x":     {"symbol": "wXCoord", "type": "u8"}          (resolved with --sym FILE)
// Types: u8 u16 u24 u32 i8 i16 i32 (little-endian unless "endian": "big"), bcd (two digits a
// byte, big-endian unless "endian": "little", "size" bytes), bitcount (set bits in "size" bytes),
// bytes:N (a list of N bytes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "game/memory.h"
#include "game/symbols.h"

namespace crl::game {

class VariablesError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class VariableType { kUnsigned, kSigned, kBcd, kBitcount, kBytes };

struct Variable {
    std::string name;
    int bank = -1;
    std::uint16_t address = 0;
    VariableType type = VariableType::kUnsigned;
    int size = 1;  // bytes
    bool big_endian = false;

    // A number for every type but bytes:N, which gives a list.
    nlohmann::json read(const Memory& memory) const;
    std::int64_t read_number(const Memory& memory) const;
    std::vector<std::uint8_t> read_bytes(const Memory& memory) const;
};

// The parsed file: its variables and the rest of its JSON (tables such as map names).
struct VariablesFile {
    std::string source;
    std::vector<Variable> variables;
    nlohmann::json document = nlohmann::json::object();

    // `symbols` may be null; then an entry naming a symbol is an error.
    static VariablesFile parse(const std::string& text, const std::string& source,
                               const SymbolTable* symbols);
    static VariablesFile load(const std::filesystem::path& path, const SymbolTable* symbols);

    const Variable* find(const std::string& name) const;
};

}  // namespace crl::game

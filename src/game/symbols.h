// game/symbols.h — symbol files ("BB:AAAA name" a line, as RGBDS and SDCC's makebin write them):
// names for addresses, with their bank.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

namespace crl::game {

struct Symbol {
    int bank = 0;
    std::uint16_t address = 0;
};

class SymbolTable {
  public:
    static SymbolTable load(const std::filesystem::path& path);
    static SymbolTable parse(const std::string& text, const std::string& source);

    std::optional<Symbol> find(const std::string& name) const;
    std::size_t size() const { return symbols_.size(); }
    const std::string& source() const { return source_; }

  private:
    std::unordered_map<std::string, Symbol> symbols_;
    std::string source_;
};

}  // namespace crl::game

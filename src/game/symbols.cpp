#include "game/symbols.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "storage/files.h"

namespace crl::game {

SymbolTable SymbolTable::parse(const std::string& text, const std::string& source) {
    SymbolTable table;
    table.source_ = source;
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        if (const auto comment = line.find(';'); comment != std::string::npos) line.resize(comment);
        std::istringstream fields(line);
        std::string location, name;
        if (!(fields >> location >> name)) continue;  // blank or comment
        const auto colon = location.find(':');
        try {
            if (colon == std::string::npos) throw std::invalid_argument("no colon");
            std::size_t used_bank = 0, used_address = 0;
            const int bank = std::stoi(location.substr(0, colon), &used_bank, 16);
            const auto address = std::stoul(location.substr(colon + 1), &used_address, 16);
            if (used_bank != colon || used_address != location.size() - colon - 1 ||
                address > 0xFFFF) {
                throw std::invalid_argument("bad number");
            }
            table.symbols_[name] = {bank, static_cast<std::uint16_t>(address)};
        } catch (const std::logic_error&) {
            throw std::runtime_error("symbol file " + source + ":" + std::to_string(number) +
                                     ": expected 'BANK:ADDRESS name' in hexadecimal, got '" +
                                     storage::printable(line) + "'");
        }
    }
    return table;
}

SymbolTable SymbolTable::load(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("symbol file '" + path.string() + "' cannot be opened");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), "'" + path.string() + "'");
}

std::optional<Symbol> SymbolTable::find(const std::string& name) const {
    const auto it = symbols_.find(name);
    if (it == symbols_.end()) return std::nullopt;
    return it->second;
}

}  // namespace crl::game

#include "game/crystal_map.h"

#include <set>

#include "game/crystal.h"

namespace crl::game {
namespace {

// Symbols (../shared/crystal/pokecrystal.sym): bank, address.
struct At {
    int bank;
    std::uint16_t address;
};
constexpr At kOverworldMapBlocks{0, 0xC800}, kMapHeight{1, 0xD19E}, kMapWidth{1, 0xD19F};
constexpr At kMapScriptsBank{1, 0xD1A3}, kMapConnections{1, 0xD1A8};
constexpr At kNorthConnection{1, 0xD1A9}, kSouthConnection{1, 0xD1B5};
constexpr At kWestConnection{1, 0xD1C1}, kEastConnection{1, 0xD1CD};
constexpr At kCollisionBank{1, 0xD1DF}, kCollisionAddress{1, 0xD1E0};
constexpr At kObjectStructs{1, 0xD4D6}, kMapObjects{1, 0xD71E}, kObjectMasks{1, 0xD81E};
constexpr At kWarpCount{1, 0xDBFB}, kWarpsPointer{1, 0xDBFC};
constexpr At kBgEventCount{1, 0xDC01}, kBgEventsPointer{1, 0xDC02};
constexpr At kMapGroup{1, 0xDCB5}, kMapNumber{1, 0xDCB6}, kYCoord{1, 0xDCB7}, kXCoord{1, 0xDCB8};
constexpr At kPlayerDirection{1, 0xD4DE};
// Where a warp numbered -1 leads: back to the warp the player came in by (stairs of shared
// maps like a Pokémon Center's upper floor).
constexpr At kBackupWarpNumber{1, 0xDCAC}, kBackupMapGroup{1, 0xDCAD}, kBackupMapNumber{1, 0xDCAE};
constexpr int kWarpToLastMap = 0xFF;

constexpr int kOverworldMapBlocksBytes = 0xCD14 - 0xC800;
constexpr int kBorderBlocks = 3;       // the game keeps 3 blocks of the neighbours around a map
constexpr int kObjectCoordOffset = 4;  // object structs count from 4 tiles left/up of the map
constexpr int kObjectStructBytes = 0x28, kObjectStructCount = 13;
constexpr int kObjectSprite = 0x00, kObjectMapObjectIndex = 0x01, kObjectDirection = 0x08;
constexpr int kObjectMapX = 0x10, kObjectMapY = 0x11;
constexpr int kSpriteNurse = 0x37;  // SPRITE_NURSE: the Pokémon Centers' nurse
constexpr int kMapObjectBytes = 0x10, kMapObjectRadius = 0x05, kMapObjectCount = 16;
constexpr int kMapObjectSprite = 0x01, kMapObjectY = 0x02, kMapObjectX = 0x03;
constexpr int kWarpBytes = 5, kBgEventBytes = 5, kConnectionBytes = 12;
constexpr int kConnectionYOffset = 8, kConnectionXOffset = 9;
constexpr int kMaxEvents = 64;

std::uint8_t byte(const Memory& memory, At at, int offset = 0) {
    return memory.read(at.bank, static_cast<std::uint16_t>(at.address + offset));
}

int little_endian_word(const Memory& memory, At at) {
    return byte(memory, at) | byte(memory, at, 1) << 8;
}

std::size_t rom_offset(int bank, int address) {
    return address < 0x4000 ? static_cast<std::size_t>(address)
                            : static_cast<std::size_t>(bank) * 0x4000 +
                                  static_cast<std::size_t>(address - 0x4000);
}

int rom_byte(std::span<const std::uint8_t> rom, int bank, int address) {
    const auto offset = rom_offset(bank, address);
    return offset < rom.size() ? rom[offset] : 0xFF;
}

Direction facing_from(int direction_byte) {
    static constexpr Direction kFacing[] = {Direction::kDown, Direction::kUp, Direction::kLeft,
                                            Direction::kRight};
    return kFacing[(direction_byte >> 2) & 3];
}

// The map's blocks and the tileset's collision, as GetCoordTileCollision reads them.
class CollisionReader {
  public:
    CollisionReader(const Memory& memory, std::span<const std::uint8_t> rom, int block_width)
        : memory_(memory),
          rom_(rom),
          stride_(block_width + 2 * kBorderBlocks),
          bank_(byte(memory, kCollisionBank)),
          table_(little_endian_word(memory, kCollisionAddress)) {}

    // x, y in tiles; the border (up to 6 tiles outside the map) reads the neighbours' blocks.
    int at(int x, int y) const {
        const int block_x = (x + 2 * kBorderBlocks) / 2, block_y = (y + 2 * kBorderBlocks) / 2;
        const int index = block_y * stride_ + block_x;
        if (x < -2 * kBorderBlocks || y < -2 * kBorderBlocks || index < 0 ||
            index >= kOverworldMapBlocksBytes)
            return 0xFF;
        const int block = byte(memory_, kOverworldMapBlocks, index);
        if (block == 0) return 0xFF;  // the game's own "nothing here"
        const int quadrant = (x & 1) + ((y & 1) << 1);
        return rom_byte(rom_, bank_, table_ + block * 4 + quadrant);
    }

  private:
    const Memory& memory_;
    std::span<const std::uint8_t> rom_;
    int stride_, bank_, table_;
};

void read_warps(const Memory& memory, std::span<const std::uint8_t> rom, const CrystalNames& names,
                MapView& map) {
    const int bank = byte(memory, kMapScriptsBank),
              pointer = little_endian_word(memory, kWarpsPointer);
    for (int i = 0, n = std::min<int>(byte(memory, kWarpCount), kMaxEvents); i < n; ++i) {
        const int at = pointer + i * kWarpBytes;
        Warp warp;
        warp.y = rom_byte(rom, bank, at);
        warp.x = rom_byte(rom, bank, at + 1);
        warp.destination_warp = rom_byte(rom, bank, at + 2);
        int group = rom_byte(rom, bank, at + 3), number = rom_byte(rom, bank, at + 4);
        if (warp.destination_warp == kWarpToLastMap) {
            warp.destination_warp = byte(memory, kBackupWarpNumber);
            group = byte(memory, kBackupMapGroup);
            number = byte(memory, kBackupMapNumber);
        }
        warp.destination_map = group << 8 | number;
        warp.destination_name = names.map(group, number);
        map.warps.push_back(std::move(warp));
    }
    const int sign_pointer = little_endian_word(memory, kBgEventsPointer);
    for (int i = 0, n = std::min<int>(byte(memory, kBgEventCount), kMaxEvents); i < n; ++i) {
        const int at = sign_pointer + i * kBgEventBytes;
        map.signs.push_back(
            {rom_byte(rom, bank, at + 1), rom_byte(rom, bank, at), rom_byte(rom, bank, at + 2)});
    }
}

void read_connections(const Memory& memory, const CrystalNames& names,
                      const CollisionReader& collision, MapView& map) {
    struct Side {
        Direction side;
        int bit;
        At at;
    };
    static constexpr Side kSides[] = {{Direction::kUp, 8, kNorthConnection},
                                      {Direction::kDown, 4, kSouthConnection},
                                      {Direction::kLeft, 2, kWestConnection},
                                      {Direction::kRight, 1, kEastConnection}};
    const int present = byte(memory, kMapConnections);
    for (const auto& side : kSides) {
        if (!(present & side.bit)) continue;
        const int group = byte(memory, side.at), number = byte(memory, side.at, 1);
        const int y_offset = byte(memory, side.at, kConnectionYOffset);
        const int x_offset = byte(memory, side.at, kConnectionXOffset);
        const bool vertical = side.side == Direction::kUp || side.side == Direction::kDown;
        Connection connection{side.side,
                              group << 8 | number,
                              names.map(group, number),
                              vertical ? x_offset : y_offset,
                              vertical ? y_offset : x_offset,
                              {}};
        const int length = vertical ? map.width : map.height;
        for (int along = 0; along < length; ++along) {
            int x = vertical ? along : (side.side == Direction::kLeft ? 0 : map.width - 1);
            int y = !vertical ? along : (side.side == Direction::kUp ? 0 : map.height - 1);
            if (!walkable(map.at(x, y).kind)) continue;
            if (walkable(crystal_tile(collision.at(x + dx(side.side), y + dy(side.side))).kind))
                connection.open.push_back(along);
        }
        map.connections.push_back(std::move(connection));
    }
}

void read_people(const Memory& memory, MapView& map) {
    std::set<int> on_screen;
    for (int i = 1; i < kObjectStructCount; ++i) {
        const At object{kObjectStructs.bank, static_cast<std::uint16_t>(kObjectStructs.address +
                                                                        i * kObjectStructBytes)};
        if (byte(memory, object, kObjectSprite) == 0) continue;
        const int index = byte(memory, object, kObjectMapObjectIndex);
        Person person;
        person.id = index;
        person.sprite = byte(memory, object, kObjectSprite);
        person.heals = person.sprite == kSpriteNurse;
        person.x = byte(memory, object, kObjectMapX) - kObjectCoordOffset;
        person.y = byte(memory, object, kObjectMapY) - kObjectCoordOffset;
        person.facing = facing_from(byte(memory, object, kObjectDirection));
        person.moves = byte(memory, kMapObjects, index * kMapObjectBytes + kMapObjectRadius) != 0;
        on_screen.insert(index);
        if (map.inside(person.x, person.y)) map.people.push_back(person);
    }
    // The game keeps object structs only for people near the screen; the others (a gym's
    // leader at the far end) are in the map's object list at their usual spot, present unless
    // masked (their event flag, the time of day).
    for (int index = 1; index < kMapObjectCount; ++index) {
        const int base = index * kMapObjectBytes;
        const int sprite = byte(memory, kMapObjects, base + kMapObjectSprite);
        if (sprite == 0 || on_screen.count(index) || byte(memory, kObjectMasks, index) != 0)
            continue;
        Person person;
        person.id = index;
        person.sprite = sprite;
        person.heals = sprite == kSpriteNurse;
        person.x = byte(memory, kMapObjects, base + kMapObjectX) - kObjectCoordOffset;
        person.y = byte(memory, kMapObjects, base + kMapObjectY) - kObjectCoordOffset;
        person.moves = byte(memory, kMapObjects, base + kMapObjectRadius) != 0;
        if (map.inside(person.x, person.y)) map.people.push_back(person);
    }
}

}  // namespace

Tile crystal_tile(int collision) {
    Tile tile;
    tile.raw = collision;
    const int high = collision & 0xF0;
    auto ledge = [&](unsigned hops, Direction main) {
        tile.kind = TileKind::kLedge;
        tile.direction = main;
        tile.hops = static_cast<std::uint8_t>(hops);
    };
    constexpr unsigned kDown = 1u << 0, kUp = 1u << 1, kLeft = 1u << 2, kRight = 1u << 3;
    switch (collision) {
        case 0x07:
        case 0x0F:
        case 0xFF:
            tile.kind = TileKind::kWall;
            return tile;
        case 0x12:
        case 0x1A:
        case 0x15:
        case 0x1D:
            tile.kind = TileKind::kTree;
            return tile;
        case 0x23:
        case 0x2B:
            tile.kind = TileKind::kIce;
            return tile;
        case 0x70:
            tile.kind = TileKind::kCarpet;
            tile.direction = Direction::kDown;
            return tile;
        case 0x76:
            tile.kind = TileKind::kCarpet;
            tile.direction = Direction::kLeft;
            return tile;
        case 0x78:
            tile.kind = TileKind::kCarpet;
            tile.direction = Direction::kUp;
            return tile;
        case 0x7E:
            tile.kind = TileKind::kCarpet;
            tile.direction = Direction::kRight;
            return tile;
        case 0x90:
        case 0x98:
            tile.kind = TileKind::kCounter;
            return tile;
        case 0xA0:
            ledge(kRight, Direction::kRight);
            return tile;
        case 0xA1:
            ledge(kLeft, Direction::kLeft);
            return tile;
        case 0xA2:
            ledge(kUp, Direction::kUp);
            return tile;
        case 0xA3:
            ledge(kDown, Direction::kDown);
            return tile;
        case 0xA4:
            ledge(kDown | kRight, Direction::kDown);
            return tile;
        case 0xA5:
            ledge(kDown | kLeft, Direction::kDown);
            return tile;
        case 0xA6:
            ledge(kUp | kRight, Direction::kUp);
            return tile;
        case 0xA7:
            ledge(kUp | kLeft, Direction::kUp);
            return tile;
        default:
            break;
    }
    if (collision == 0x10 || collision == 0x14 || collision == 0x18 || collision == 0x1C)
        tile.kind = TileKind::kGrass;
    else if (high == 0x20 || high == 0x30 || high == 0xC0)
        tile.kind = TileKind::kWater;  // sea, currents, waterfalls, buoys
    else if (high == 0x60 || high == 0x70)
        tile.kind = TileKind::kWarp;  // doors, stairs, ladders, caves, pits, warp panels
    else if (high == 0x90)
        tile.kind = TileKind::kTalk;  // bookshelves, PC, radio, town map, TV, windows ...
    else if (high == 0x80 || high >= 0xD0)
        tile.kind = TileKind::kWall;
    else
        tile.kind = TileKind::kFloor;  // floor, one-sided walls (0xB_), walk/brake tiles
    return tile;
}

std::optional<MapView> read_crystal_map(const Memory& memory, std::span<const std::uint8_t> rom,
                                        const CrystalNames& names) {
    const int group = byte(memory, kMapGroup), number = byte(memory, kMapNumber);
    const int block_width = byte(memory, kMapWidth), block_height = byte(memory, kMapHeight);
    if (group == 0 || number == 0 || block_width == 0 || block_height == 0) return std::nullopt;
    if ((block_width + 2 * kBorderBlocks) * (block_height + 2 * kBorderBlocks) >
        kOverworldMapBlocksBytes)
        return std::nullopt;
    MapView map;
    map.map_id = group << 8 | number;
    map.name = names.map(group, number);
    map.width = block_width * 2;
    map.height = block_height * 2;
    map.turn_takes_a_press = true;
    map.tiles.resize(static_cast<std::size_t>(map.width * map.height));
    const CollisionReader collision(memory, rom, block_width);
    for (int y = 0; y < map.height; ++y) {
        for (int x = 0; x < map.width; ++x)
            map.set(x, y, crystal_tile(collision.at(x, y)));
    }
    map.player_x = byte(memory, kXCoord);
    map.player_y = byte(memory, kYCoord);
    map.player_facing = facing_from(byte(memory, kPlayerDirection));
    read_warps(memory, rom, names, map);
    read_connections(memory, names, collision, map);
    read_people(memory, map);
    return map;
}

}  // namespace crl::game

#include "convert.h"

namespace crl::python {

namespace py = pybind11;

py::object to_python(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            return py::none();
        case nlohmann::json::value_t::boolean:
            return py::bool_(value.get<bool>());
        case nlohmann::json::value_t::number_integer:
            return py::int_(value.get<std::int64_t>());
        case nlohmann::json::value_t::number_unsigned:
            return py::int_(value.get<std::uint64_t>());
        case nlohmann::json::value_t::number_float:
            return py::float_(value.get<double>());
        case nlohmann::json::value_t::string:
            return py::str(value.get_ref<const std::string&>());
        case nlohmann::json::value_t::binary: {
            const auto& bytes = value.get_binary();
            return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        }
        case nlohmann::json::value_t::array: {
            py::list list;
            for (const auto& item : value)
                list.append(to_python(item));
            return list;
        }
        case nlohmann::json::value_t::object: {
            py::dict dict;
            for (const auto& [key, item] : value.items())
                dict[py::str(key)] = to_python(item);
            return dict;
        }
    }
    return py::none();
}

}  // namespace crl::python

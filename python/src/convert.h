// python/src/convert.h — C++ values into Python objects for the bindings (JSON documents such
// as the game state and reward breakdown become plain dicts/lists). Call with the GIL held.
#pragma once

#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

namespace crl::python {

pybind11::object to_python(const nlohmann::json& value);

}  // namespace crl::python

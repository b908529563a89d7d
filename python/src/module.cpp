// python/src/module.cpp — crystal_rl._core: the C++ environments, observation spec, dashboard
// and error types as Python sees them. The Gymnasium-facing classes are Python (crystal_rl/*.py)
// over these; nothing here is meant to be called by users directly.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "baseline.h"
#include "convert.h"
#include "emu/machine.h"
#include "emu/rom.h"
#include "env/observation.h"
#include "game/game_state.h"
#include "py_pool.h"

namespace py = pybind11;
using crl::python::DashboardServer;
using crl::python::EnvConfig;
using crl::python::PyPool;

namespace {

py::list spec_as_python() {
    py::list fields;
    for (const auto& field : crl::env::observation_spec()) {
        py::dict entry;
        entry["name"] = field.name;
        entry["shape"] = py::tuple(py::cast(field.shape));
        entry["dtype"] = crl::env::to_string(field.dtype);
        entry["meaning"] = field.meaning;
        fields.append(entry);
    }
    return fields;
}

void bind_config(py::module_& m) {
    py::class_<EnvConfig>(m, "EnvConfig")
        .def(py::init<>())
        .def_readwrite("game", &EnvConfig::game)
        .def_readwrite("core", &EnvConfig::core)
        .def_readwrite("rom", &EnvConfig::rom)
        .def_readwrite("inputs", &EnvConfig::inputs)
        .def_readwrite("frames_per_action", &EnvConfig::frames_per_action)
        .def_readwrite("hold_frames", &EnvConfig::hold_frames)
        .def_readwrite("rewards_json", &EnvConfig::rewards_json)
        .def_readwrite("rewards_source", &EnvConfig::rewards_source)
        .def_readwrite("max_episode_steps", &EnvConfig::max_episode_steps)
        .def_readwrite("random_start_frames", &EnvConfig::random_start_frames)
        .def_readwrite("draw_screen", &EnvConfig::draw_screen)
        .def_readwrite("rtc_start", &EnvConfig::rtc_start)
        .def("set_state", [](EnvConfig& config, const py::bytes& state) {
            const std::string_view view = state;
            config.state.emplace(view.begin(), view.end());
        });
}

void bind_pool(py::module_& m) {
    py::class_<PyPool>(m, "Pool")
        .def(py::init<EnvConfig, std::size_t, std::vector<std::uint64_t>, bool>(),
             py::arg("config"), py::arg("num_envs"), py::arg("seeds"), py::arg("observe"))
        .def_property_readonly("size", &PyPool::size)
        .def("arrays", &PyPool::arrays)
        .def("reset", &PyPool::reset, py::arg("ids"), py::arg("seeds"))
        .def("step", &PyPool::step, py::arg("actions"))
        .def("send", &PyPool::send, py::arg("actions"), py::arg("ids"))
        .def("recv", &PyPool::recv, py::arg("count"))
        .def("game_state", &PyPool::game_state, py::arg("index"))
        .def("reward_breakdown", &PyPool::reward_breakdown, py::arg("index"))
        .def("last_step_was_reset", &PyPool::last_step_was_reset, py::arg("index"))
        .def("save_state", &PyPool::save_state, py::arg("index"))
        .def("load_state", &PyPool::load_state, py::arg("index"), py::arg("state"))
        .def("read_memory", &PyPool::read_memory, py::arg("index"), py::arg("bank"),
             py::arg("address"), py::arg("length"))
        .def("render", &PyPool::render, py::arg("index"))
        .def("attach", &PyPool::attach, py::arg("index"), py::arg("dashboard"))
        .def("close", &PyPool::close);
}

void bind_dashboard(py::module_& m) {
    py::class_<DashboardServer, std::shared_ptr<DashboardServer>>(m, "Dashboard")
        .def(py::init([](const std::string& host, unsigned short port, double stream_fps,
                         const std::string& control_token) {
                 crl::monitor::MonitorOptions options;
                 options.host = host;
                 options.port = port;
                 options.stream_fps = stream_fps;
                 options.control_token = control_token;
                 auto link = std::make_shared<crl::python::MonitorLink>(1.0 / stream_fps);
                 return std::make_shared<DashboardServer>(options, link);
             }),
             py::arg("host"), py::arg("port"), py::arg("stream_fps"), py::arg("control_token"))
        .def_property_readonly("url", &DashboardServer::url)
        .def_property_readonly("port", &DashboardServer::port)
        .def("stop", &DashboardServer::stop, py::call_guard<py::gil_scoped_release>());
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "crystal-rl's C++ environments (use the crystal_rl package, not this module)";
    py::register_exception<crl::emu::RomError>(m, "RomError", PyExc_ValueError);
    py::register_exception<crl::emu::StateError>(m, "StateError", PyExc_ValueError);
    bind_config(m);
    bind_pool(m);
    bind_dashboard(m);
    m.def("observation_spec", &spec_as_python);
    m.def("cpp_vector_env_rate", &crl::python::cpp_vector_env_rate, py::arg("config"),
          py::arg("num_envs"), py::arg("steps"), py::call_guard<py::gil_scoped_release>(),
          "steps/s of crl::env::VectorEnv driven from C++ (bench/python_bench.py's baseline)");
    m.def("feature_names", &crl::env::feature_names);
    m.def("info_names", [] {
        py::list names;
        for (const auto name : crl::python::kInfoNumbers)
            names.append(py::str(name.data(), name.size()));
        return names;
    });
    m.attr("num_actions") = crl::env::kAllActions.size();
    m.attr("map_slots") = crl::env::kObsMapSlots;
    m.def("action_names", [] {
        py::list names;
        for (const auto action : crl::env::kAllActions)
            names.append(crl::env::to_string(action));
        return names;
    });
}

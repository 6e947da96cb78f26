#include "controller/clients/docker/docker_json.h"

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace radctl::docker {
namespace {

using Json = nlohmann::json;

// Runs `decode` on the parsed `json`; anything it throws (nlohmann's parse and type errors, or a
// std::runtime_error from the checks below) becomes the one Internal error of this module.
template <typename T, typename Decode>
absl::StatusOr<T> DecodeWith(absl::string_view json, absl::string_view what, Decode decode) {
  try {
    return decode(Json::parse(json));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("unexpected answer from the Docker engine for ", what, ": ", e.what()));
  }
}

// Member `key` of `object`, or nullptr when absent or null: the engine writes null for empty maps
// and lists. Throws when `object` is neither an object nor null.
const Json* Find(const Json& object, const char* key) {
  if (object.is_null()) return nullptr;
  const auto& members = object.get_ref<const Json::object_t&>();
  const auto it = members.find(key);
  return it == members.end() || it->second.is_null() ? nullptr : &it->second;
}

const Json& Get(const Json& object, const char* key) {
  static const Json* const kNull = new Json();
  const Json* value = Find(object, key);
  return value == nullptr ? *kNull : *value;
}

std::string String(const Json& object, const char* key) {
  const Json* value = Find(object, key);
  return value == nullptr ? std::string() : value->get<std::string>();
}

int64_t Int(const Json& object, const char* key, int64_t absent = 0) {
  const Json* value = Find(object, key);
  return value == nullptr ? absent : value->get<int64_t>();
}

bool Bool(const Json& object, const char* key) {
  const Json* value = Find(object, key);
  return value != nullptr && value->get<bool>();
}

Labels LabelsAt(const Json& object, const char* key) {
  const Json* value = Find(object, key);
  return value == nullptr ? Labels() : value->get<Labels>();
}

// Members of an array that may be null or absent.
const Json::array_t& Rows(const Json& value) {
  static const Json::array_t* const kNone = new Json::array_t();
  return value.is_null() ? *kNone : value.get_ref<const Json::array_t&>();
}

std::string WithoutSlash(absl::string_view name) {
  return std::string(absl::StripPrefix(name, "/"));
}

bool IsIpv6(absl::string_view ip) { return ip.find(':') != absl::string_view::npos; }

// The engine reports a port published on all interfaces twice, for 0.0.0.0 and for ::. Keep one
// row per (container port, host port): the IPv4 one, which the controller can dial on any host.
void AddPreferringIpv4(std::vector<PortBinding>& ports, PortBinding binding) {
  for (PortBinding& existing : ports) {
    if (existing.container_port == binding.container_port &&
        existing.host_port == binding.host_port) {
      if (IsIpv6(existing.host_ip) && !IsIpv6(binding.host_ip)) existing = std::move(binding);
      return;
    }
  }
  ports.push_back(std::move(binding));
}

int ParsePort(absl::string_view text) {
  int port = 0;
  if (!absl::SimpleAtoi(text, &port)) {
    throw std::runtime_error(absl::StrCat("port \"", text, "\" is not a number"));
  }
  return port;
}

// The rows of GET /containers/json's "Ports": [{IP, PrivatePort, PublicPort, Type}].
std::vector<PortBinding> ListedPorts(const Json& rows) {
  std::vector<PortBinding> ports;
  for (const Json& row : Rows(rows)) {
    const int64_t public_port = Int(row, "PublicPort");
    if (String(row, "Type") != "tcp" || public_port == 0) continue;  // exposed, not published
    AddPreferringIpv4(ports, PortBinding{static_cast<int>(Int(row, "PrivatePort")),
                                         String(row, "IP"), static_cast<int>(public_port)});
  }
  return ports;
}

// Inspect's NetworkSettings.Ports: {"5432/tcp": [{"HostIp", "HostPort"}] or null}.
std::vector<PortBinding> InspectedPorts(const Json& ports_by_key) {
  std::vector<PortBinding> ports;
  if (ports_by_key.is_null()) return ports;
  for (const auto& [key, bindings] : ports_by_key.get_ref<const Json::object_t&>()) {
    const std::pair<absl::string_view, absl::string_view> port_and_protocol =
        absl::StrSplit(key, '/');
    if (port_and_protocol.second != "tcp") continue;
    const int container_port = ParsePort(port_and_protocol.first);
    for (const Json& binding : Rows(bindings)) {
      const std::string host_port = String(binding, "HostPort");
      if (host_port.empty()) continue;
      AddPreferringIpv4(
          ports, PortBinding{container_port, String(binding, "HostIp"), ParsePort(host_port)});
    }
  }
  return ports;
}

// A container's own name among those listed: links add "/other/alias" names.
std::string CanonicalName(const Json& names) {
  const Json::array_t& rows = Rows(names);
  for (const Json& name : rows) {
    std::string text = WithoutSlash(name.get<std::string>());
    if (text.find('/') == std::string::npos) return text;
  }
  return rows.empty() ? std::string() : WithoutSlash(rows.front().get<std::string>());
}

// Never throws: invalid UTF-8 in a label is replaced rather than failing the request.
std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

absl::StatusOr<std::vector<ContainerSummary>> DecodeContainerList(absl::string_view json) {
  return DecodeWith<std::vector<ContainerSummary>>(json, "the container list", [](const Json& j) {
    std::vector<ContainerSummary> containers;
    for (const Json& row : j.get_ref<const Json::array_t&>()) {
      ContainerSummary container;
      container.id = String(row, "Id");
      container.name = CanonicalName(Get(row, "Names"));
      container.image = String(row, "Image");
      container.image_id = String(row, "ImageID");
      container.state = String(row, "State");
      container.labels = LabelsAt(row, "Labels");
      container.ports = ListedPorts(Get(row, "Ports"));
      containers.push_back(std::move(container));
    }
    return containers;
  });
}

absl::StatusOr<ContainerInfo> DecodeContainerInfo(absl::string_view json) {
  return DecodeWith<ContainerInfo>(json, "a container", [](const Json& j) {
    ContainerInfo info;
    info.id = String(j, "Id");
    info.name = WithoutSlash(String(j, "Name"));
    const Json& config = Get(j, "Config");
    info.image = String(config, "Image");  // as named at creation; top-level "Image" is the id
    info.labels = LabelsAt(config, "Labels");
    const Json& state = Get(j, "State");
    info.state = String(state, "Status");
    info.running = Bool(state, "Running");
    info.oom_killed = Bool(state, "OOMKilled");
    info.exit_code = static_cast<int>(Int(state, "ExitCode"));
    info.created_at = String(j, "Created");
    info.started_at = String(state, "StartedAt");
    info.finished_at = String(state, "FinishedAt");
    const Json& network_settings = Get(j, "NetworkSettings");
    info.ports = InspectedPorts(Get(network_settings, "Ports"));
    const Json& networks = Get(network_settings, "Networks");
    if (!networks.is_null()) {
      for (const auto& [name, unused] : networks.get_ref<const Json::object_t&>()) {
        info.networks.push_back(name);
      }
    }
    return info;
  });
}

absl::StatusOr<std::vector<NetworkSummary>> DecodeNetworkList(absl::string_view json) {
  return DecodeWith<std::vector<NetworkSummary>>(json, "the network list", [](const Json& j) {
    std::vector<NetworkSummary> networks;
    for (const Json& row : j.get_ref<const Json::array_t&>()) {
      networks.push_back(
          NetworkSummary{String(row, "Id"), String(row, "Name"), LabelsAt(row, "Labels")});
    }
    return networks;
  });
}

absl::StatusOr<VolumeSummary> DecodeVolume(absl::string_view json) {
  return DecodeWith<VolumeSummary>(json, "the volume", [](const Json& j) {
    return VolumeSummary{String(j, "Name"), LabelsAt(j, "Labels")};
  });
}

absl::StatusOr<std::vector<VolumeSummary>> DecodeVolumeList(absl::string_view json) {
  return DecodeWith<std::vector<VolumeSummary>>(json, "the volume list", [](const Json& j) {
    std::vector<VolumeSummary> volumes;
    for (const Json& row : Rows(Get(j, "Volumes"))) {
      volumes.push_back(VolumeSummary{String(row, "Name"), LabelsAt(row, "Labels")});
    }
    return volumes;
  });
}

absl::StatusOr<ImageInfo> DecodeImageInfo(absl::string_view json) {
  return DecodeWith<ImageInfo>(json, "an image", [](const Json& j) {
    return ImageInfo{String(j, "Id"), LabelsAt(Get(j, "Config"), "Labels")};
  });
}

absl::StatusOr<Event> DecodeEvent(absl::string_view json) {
  return DecodeWith<Event>(json, "an event", [](const Json& j) {
    Event event;
    event.type = String(j, "Type");
    event.action = String(j, "Action");
    event.time_nano = Int(j, "timeNano");
    const Json& actor = Get(j, "Actor");
    event.id = String(actor, "ID");
    event.labels = LabelsAt(actor, "Attributes");
    if (auto name = event.labels.extract("name")) event.name = std::move(name.mapped());
    return event;
  });
}

absl::StatusOr<std::string> DecodeCreatedId(absl::string_view json) {
  return DecodeWith<std::string>(json, "a create call", [](const Json& j) {
    std::string id = String(j, "Id");
    if (id.empty()) throw std::runtime_error("no Id in the answer");
    return id;
  });
}

absl::StatusOr<ExecState> DecodeExecState(absl::string_view json) {
  return DecodeWith<ExecState>(json, "an exec", [](const Json& j) {
    return ExecState{Bool(j, "Running"), static_cast<int>(Int(j, "ExitCode", -1))};
  });
}

std::string ErrorMessage(absl::string_view body) {
  const Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    const auto it = parsed.find("message");
    if (it != parsed.end() && it->is_string()) return it->get<std::string>();
  }
  return std::string(absl::StripAsciiWhitespace(body));
}

std::string EncodeCreateContainer(const ContainerConfig& config) {
  Json body = {{"Image", config.image},
               {"Labels", config.labels},
               {"Env", config.env},
               {"StopTimeout", config.stop_timeout_s}};
  if (!config.hostname.empty()) body["Hostname"] = config.hostname;
  if (!config.entrypoint.empty()) body["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty()) body["Cmd"] = config.cmd;
  if (!config.user.empty()) body["User"] = config.user;
  if (config.stdin_once) {
    body["OpenStdin"] = true;
    body["StdinOnce"] = true;
    body["AttachStdin"] = true;
    body["AttachStdout"] = true;
    body["AttachStderr"] = true;
  }

  Json exposed_ports = Json::object();
  Json port_bindings = Json::object();
  for (const PortBinding& port : config.ports) {
    const std::string key = absl::StrCat(port.container_port, "/tcp");
    exposed_ports[key] = Json::object();
    port_bindings[key].push_back(
        {{"HostIp", port.host_ip},
         {"HostPort", port.host_port == 0 ? std::string() : absl::StrCat(port.host_port)}});
  }
  body["ExposedPorts"] = std::move(exposed_ports);

  Json mounts = Json::array();
  for (const VolumeMount& mount : config.mounts) {
    Json entry = {{"Type", "volume"}, {"Source", mount.volume}, {"Target", mount.target}};
    if (mount.read_only) entry["ReadOnly"] = true;
    if (!mount.labels.empty()) entry["VolumeOptions"]["Labels"] = mount.labels;
    mounts.push_back(std::move(entry));
  }
  Json& host_config = body["HostConfig"];
  host_config["PortBindings"] = std::move(port_bindings);
  host_config["Mounts"] = std::move(mounts);
  host_config["RestartPolicy"]["Name"] = "no";
  host_config["Init"] = false;
  if (!config.cap_add.empty()) host_config["CapAdd"] = config.cap_add;
  if (config.auto_remove) host_config["AutoRemove"] = true;
  if (!config.network_of_container.empty()) {
    host_config["NetworkMode"] = absl::StrCat("container:", config.network_of_container);
  } else if (!config.network.empty()) {
    host_config["NetworkMode"] = config.network;
    body["NetworkingConfig"]["EndpointsConfig"][config.network]["Aliases"] = config.network_aliases;
  }
  return Dump(body);
}

std::string EncodeCreateExec(const std::vector<std::string>& cmd, const std::string& user) {
  return Dump({{"AttachStdin", false},
               {"AttachStdout", true},
               {"AttachStderr", true},
               {"Tty", false},
               {"Cmd", cmd},
               {"User", user}});
}

std::string EncodeCreateNetwork(const std::string& name, const Labels& labels) {
  return Dump({{"Name", name}, {"Driver", "bridge"}, {"Labels", labels}, {"CheckDuplicate", true}});
}

std::string EncodeNetworkConnect(const std::string& container,
                                 const std::vector<std::string>& aliases) {
  return Dump({{"Container", container}, {"EndpointConfig", {{"Aliases", aliases}}}});
}

std::string EncodeNetworkDisconnect(const std::string& container, bool force) {
  return Dump({{"Container", container}, {"Force", force}});
}

std::string EncodeCreateVolume(const std::string& name, const Labels& labels) {
  return Dump({{"Name", name}, {"Labels", labels}});
}

std::string EncodeFilters(const std::map<std::string, std::vector<std::string>>& filters) {
  return Dump(Json(filters));
}

}  // namespace radctl::docker

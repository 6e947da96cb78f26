#include "controller/reporting/http_endpoint.h"

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/reporting/status_report.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

using Cluster = std::shared_ptr<const WatchedCluster>;

// A pass that ended longer ago than this, with none running, means the loop is stuck.
constexpr absl::Duration kAliveWithin = absl::Seconds(30);

void Reply(httplib::Response& res, int status, const std::string& body, const char* type) {
  res.status = status;
  res.set_content(body, type);
}

// "" when the loop is alive, else why not.
std::string NotAlive(const Clock& clock, const ControllerView& view) {
  absl::Duration since = clock.Monotonic() - view.last_pass_end;
  if (view.in_pass || since < kAliveWithin) return "";
  return absl::StrCat("the reconcile loop has not run for ",
                      absl::FormatDuration(absl::Trunc(since, absl::Seconds(1))));
}

// "" when ready, else why not; `message` gets the Ready condition's message.
std::string NotReady(const ControllerView& view, std::string* message) {
  const Condition* ready = FindCondition(view.conditions, "Ready");
  if (ready == nullptr) return "not observed yet";
  *message = ready->message;
  if (view.observed_once && ready->status) return "";
  return absl::StrCat(ready->reason, ": ", ready->message);
}

// The cluster a request is about: NAME from the path, else ?cluster=NAME, else the only one
// watched. Null, with the reply made, when there is none such.
Cluster Select(const WatchedClusters& clusters, const httplib::Request& req,
               httplib::Response& res) {
  std::string name =
      req.matches.size() > 1 ? std::string(req.matches[1]) : req.get_param_value("cluster");
  if (!name.empty()) {
    Cluster cluster = clusters.Find(name);
    if (cluster == nullptr) {
      Reply(res, 404, absl::StrCat("{\"error\": \"cluster ", name, " is not watched here\"}\n"),
            "application/json");
    }
    return cluster;
  }
  std::vector<Cluster> all = clusters.List();
  if (all.size() == 1) return all.front();
  Reply(res, all.empty() ? 503 : 400,
        all.empty() ? "{\"error\": \"no cluster is watched yet\"}\n"
                    : "{\"error\": \"several clusters are watched: ask "
                      "/api/v1/clusters/NAME/... or add ?cluster=NAME\"}\n",
        "application/json");
  return nullptr;
}

void ServeStatus(const Clock& clock, const WatchedClusters& clusters, const httplib::Request& req,
                 httplib::Response& res) {
  Cluster cluster = Select(clusters, req, res);
  if (cluster == nullptr) return;
  ControllerView view = cluster->state->View();
  if (!view.observed_once) {
    Reply(res, 503, "{\"error\": \"not observed yet\"}\n", "application/json");
    return;
  }
  StatusDetails details{view.conditions, view.node_states, clock.Now()};
  Reply(res, 200,
        StatusJson(view.spec, cluster->secrets, view.observed, details, /*mask_password=*/true),
        "application/json");
}

void ServeEvents(const Clock& clock, const WatchedClusters& clusters, const httplib::Request& req,
                 httplib::Response& res) {
  Cluster cluster = Select(clusters, req, res);
  if (cluster == nullptr) return;
  absl::StatusOr<std::vector<EventRecord>> events = cluster->store->LoadEvents();
  if (!events.ok()) {
    Reply(res, 500, std::string(events.status().message()), "text/plain");
    return;
  }
  if (req.has_param("since")) {
    absl::Duration since;
    if (!absl::ParseDuration(req.get_param_value("since"), &since)) {
      Reply(res, 400, "since: expected a duration like 10m or 1h30m\n", "text/plain");
      return;
    }
    absl::Time cutoff = clock.Now() - since;
    events->erase(std::remove_if(events->begin(), events->end(),
                                 [&](const EventRecord& e) { return e.time < cutoff; }),
                  events->end());
  }
  Reply(res, 200, EventsJson(*events), "application/json");
}

// One line per cluster for /healthz and /readyz: "reason" alone when one cluster is watched (as
// a single-cluster watcher always answered), "NAME: reason" when several are.
std::string Line(const std::vector<Cluster>& all, const Cluster& cluster, const std::string& text) {
  return all.size() == 1 ? absl::StrCat(text, "\n") : absl::StrCat(cluster->name, ": ", text, "\n");
}

}  // namespace

absl::Status ParseListenAddress(const std::string& text, std::string* host, int* port) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], port) || *port < 1 ||
      *port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http: expected ADDRESS:PORT (e.g. 127.0.0.1:8433) or off, got \"", text, "\""));
  }
  *host = parts[0];
  return absl::OkStatus();
}

HttpEndpoint::HttpEndpoint(const Clock& clock, const WatchedClusters& clusters)
    : clock_(clock), clusters_(clusters), server_(std::make_unique<httplib::Server>()) {
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<Cluster> all = clusters_.List();
    std::string body;
    bool alive = true;
    for (const Cluster& cluster : all) {
      std::string why = NotAlive(clock_, cluster->state->View());
      alive = alive && why.empty();
      absl::StrAppend(&body, Line(all, cluster, why.empty() ? "ok" : why));
    }
    Reply(res, alive ? 200 : 503, all.empty() ? "ok: no cluster watched yet\n" : body,
          "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
    std::vector<Cluster> all = clusters_.List();
    if (req.has_param("cluster")) {
      Cluster one = Select(clusters_, req, res);
      if (one == nullptr) return;
      all = {one};
    }
    std::string body;
    bool ready = !all.empty();
    for (const Cluster& cluster : all) {
      std::string message;
      std::string why = NotReady(cluster->state->View(), &message);
      ready = ready && why.empty();
      absl::StrAppend(&body, Line(all, cluster,
                                  why.empty() ? absl::StrCat("ready: ", message)
                                              : absl::StrCat("not ready: ", why)));
    }
    Reply(res, ready ? 200 : 503, all.empty() ? "not ready: no cluster watched yet\n" : body,
          "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<std::string> texts;
    for (const Cluster& cluster : clusters_.List()) {
      texts.push_back(RenderPrometheusText(cluster->state->metrics().Snapshot()));
    }
    Reply(res, 200, MergePrometheusTexts(texts), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/api/v1/clusters", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json list = nlohmann::json::array();
    for (const Cluster& cluster : clusters_.List()) {
      ControllerView view = cluster->state->View();
      std::string message;
      std::string not_ready = NotReady(view, &message);
      nlohmann::json item = {{"name", cluster->name},
                             {"file", cluster->file},
                             {"ready", not_ready.empty()},
                             {"reason", not_ready.empty() ? message : not_ready}};
      if (view.observed_once) {
        item["nodes"] = view.spec.nodes;
        item["endpoint"] = EndpointUri(view.spec, cluster->secrets, /*masked=*/true);
        item["primary"] = nullptr;
        for (const NodeObservation& node : view.observed.nodes) {
          if (node.IsWritablePrimary()) item["primary"] = NodeName(cluster->name, node.ordinal);
        }
      }
      list.push_back(item);
    }
    Reply(res, 200, list.dump(2) + "\n", "application/json");
  });
  auto status = [this](const httplib::Request& req, httplib::Response& res) {
    ServeStatus(clock_, clusters_, req, res);
  };
  auto events = [this](const httplib::Request& req, httplib::Response& res) {
    ServeEvents(clock_, clusters_, req, res);
  };
  server_->Get("/api/v1/status", status);
  server_->Get("/api/v1/events", events);
  server_->Get(R"(/api/v1/clusters/([a-z0-9-]+)/status)", status);
  server_->Get(R"(/api/v1/clusters/([a-z0-9-]+)/events)", events);
}

HttpEndpoint::~HttpEndpoint() { Stop(); }

absl::Status HttpEndpoint::Start(const std::string& host, int port) {
  if (!server_->bind_to_port(host.c_str(), port)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", host, ":", port,
                     " for the HTTP endpoint (in use?); choose another "
                     "with --http ADDRESS:PORT, or --http off"));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpEndpoint::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace radctl

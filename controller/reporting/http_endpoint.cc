#include "controller/reporting/http_endpoint.h"

#include <httplib.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "controller/reporting/status_report.h"

namespace radctl {
namespace {

// A pass that ended longer ago than this, with none running, means the loop is stuck.
constexpr absl::Duration kAliveWithin = absl::Seconds(30);

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

HttpEndpoint::HttpEndpoint(ControllerState& state, const ClusterStore& store,
                           const ClusterSecrets& secrets)
    : state_(state),
      store_(store),
      secrets_(secrets),
      server_(std::make_unique<httplib::Server>()) {
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    ControllerView view = state_.View();
    absl::Duration since = absl::Now() - view.last_pass_end;
    if (view.in_pass || since < kAliveWithin) {
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content(
          absl::StrCat("the reconcile loop has not run for ",
                       absl::FormatDuration(absl::Trunc(since, absl::Seconds(1))), "\n"),
          "text/plain");
    }
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    ControllerView view = state_.View();
    const Condition* ready = FindCondition(view.conditions, "Ready");
    if (view.observed_once && ready != nullptr && ready->status) {
      res.set_content(absl::StrCat("ready: ", ready->message, "\n"), "text/plain");
      return;
    }
    res.status = 503;
    res.set_content(ready == nullptr
                        ? std::string("not ready: not observed yet\n")
                        : absl::StrCat("not ready: ", ready->reason, ": ", ready->message, "\n"),
                    "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderPrometheusText(state_.metrics().Snapshot()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/api/v1/status", [this](const httplib::Request&, httplib::Response& res) {
    ControllerView view = state_.View();
    if (!view.observed_once) {
      res.status = 503;
      res.set_content("{\"error\": \"not observed yet\"}\n", "application/json");
      return;
    }
    StatusDetails details{view.conditions, view.node_states, absl::Now()};
    res.set_content(StatusJson(view.spec, secrets_, view.observed, details, /*mask_password=*/true),
                    "application/json");
  });
  server_->Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
    absl::StatusOr<std::vector<EventRecord>> events = store_.LoadEvents();
    if (!events.ok()) {
      res.status = 500;
      res.set_content(std::string(events.status().message()), "text/plain");
      return;
    }
    if (req.has_param("since")) {
      absl::Duration since;
      if (!absl::ParseDuration(req.get_param_value("since"), &since)) {
        res.status = 400;
        res.set_content("since: expected a duration like 10m or 1h30m\n", "text/plain");
        return;
      }
      absl::Time cutoff = absl::Now() - since;
      events->erase(std::remove_if(events->begin(), events->end(),
                                   [&](const EventRecord& e) { return e.time < cutoff; }),
                    events->end());
    }
    res.set_content(EventsJson(*events), "application/json");
  });
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

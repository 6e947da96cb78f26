// radctl ready [NAME] [--http ADDR:PORT] [--wait DURATION]: asks a watching controller's HTTP
// endpoint (/readyz) whether the cluster's endpoint reaches a writable primary. Exit 0 when it
// does, 1 when it does not (with the controller's reason) or nothing answers: a Compose
// healthcheck, or a CI job waiting for its database.
#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/reporting/http_endpoint.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {
namespace {

constexpr absl::Duration kReadyPoll = absl::Seconds(1);

// OK when ready; FailedPrecondition with the controller's words when not; Unavailable when no
// controller answers.
absl::Status AskOnce(const std::string& host, int port, const std::string& name,
                     std::string* said) {
  httplib::Client client(host, port);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  const std::string path = name.empty() ? "/readyz" : absl::StrCat("/readyz?cluster=", name);
  httplib::Result result = client.Get(path);
  if (!result) {
    return absl::UnavailableError(absl::StrCat("no controller answers on http://", host, ":", port,
                                               " (is radctl apply --watch running?)"));
  }
  *said = std::string(absl::StripAsciiWhitespace(result->body));
  if (result->status == 200) return absl::OkStatus();
  return absl::FailedPreconditionError(*said);
}

}  // namespace

absl::StatusOr<ReadyOptions> ParseReady(const ParsedArgs& args) {
  ReadyOptions options;
  options.name = args.Arg(0);
  options.http = args.Value("--http", options.http);
  std::string wait = args.Value("--wait", "0s");
  if (!options.name.empty()) RETURN_IF_ERROR(CheckClusterArgument(options.name));
  std::string host;
  int port = 0;
  RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
  if (!absl::ParseDuration(wait, &options.wait) || options.wait < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--wait: expected a duration like 60s or 5m, got \"", wait, "\""));
  }
  return options;
}

absl::Status RunReady(const CliContext& context, const ReadyOptions& options) {
  std::string host;
  int port = 0;
  RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
  const absl::Time deadline = context.clock.Monotonic() + options.wait;
  while (true) {
    std::string said;
    absl::Status ready = AskOnce(host, port, options.name, &said);
    if (ready.ok()) {
      context.out << said << "\n";
      return ready;
    }
    if (context.stop.load() || context.clock.Monotonic() >= deadline) return ready;
    context.clock.SleepFor(kReadyPoll);
  }
}

}  // namespace radctl::cli

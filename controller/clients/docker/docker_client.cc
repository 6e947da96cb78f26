#include "controller/clients/docker/docker_client.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "controller/clients/docker/attached_stream.h"
#include "controller/clients/docker/docker_errors.h"
#include "controller/clients/docker/docker_json.h"
#include "controller/clients/docker/event_stream.h"
#include "controller/clients/docker/exec_stream.h"
#include "controller/clients/docker/tar_writer.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::docker {
namespace {

constexpr char kDefaultHost[] = "unix:///var/run/docker.sock";
constexpr absl::Duration kPingTimeout = absl::Seconds(10);
// A stop request lasts as long as the grace period it asks for, plus the kill and cleanup.
constexpr absl::Duration kStopMargin = absl::Seconds(30);
// How often Exec asks for the exit code the engine records just after the output ends.
constexpr absl::Duration kExecPollInterval = absl::Milliseconds(20);

HttpRequest Request(std::string method, std::string path, std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  return request;
}

// "/containers/demo-pg-1" + suffix; names are encoded so none can add a path or a query.
std::string ContainerPath(const std::string& name, absl::string_view suffix = "") {
  return absl::StrCat("/containers/", UrlEncode(name), suffix);
}

std::string LabelFilterQuery(const std::string& key, const std::string& value) {
  return UrlEncode(EncodeFilters({{"label", {absl::StrCat(key, "=", value)}}}));
}

std::string Labelled(const std::string& key, const std::string& value) {
  return absl::StrCat("labelled ", key, "=", value);
}

// Treats "does not exist" as done, for removals that must be safe to repeat.
absl::Status IgnoreNotFound(const absl::Status& status) {
  return absl::IsNotFound(status) ? absl::OkStatus() : status;
}

absl::StatusOr<HttpTransport> TransportFor(absl::string_view docker_host) {
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseDockerHost(docker_host));
  return HttpTransport(std::move(endpoint));
}

}  // namespace

DockerClient::DockerClient(const Clock& clock, std::string docker_host)
    : clock_(clock), host_(std::move(docker_host)), transport_(TransportFor(host_)) {}

DockerClient DockerClient::FromEnvironment(const Clock& clock) {
  const char* docker_host = std::getenv("DOCKER_HOST");
  return DockerClient(clock,
                      docker_host != nullptr && *docker_host != '\0' ? docker_host : kDefaultHost);
}

absl::StatusOr<HttpResponse> DockerClient::Call(absl::string_view what, HttpRequest request,
                                                const BodyCallback* on_data,
                                                const std::atomic<bool>* stop) const {
  if (!transport_.ok()) return DockerStatus(what, host_, transport_.status());
  request.path = absl::StrCat("/", kApiVersion, request.path);
  absl::StatusOr<HttpResponse> outcome =
      on_data != nullptr ? transport_->Stream(request, *on_data, stop) : transport_->Do(request);
  RETURN_IF_ERROR(DockerStatus(what, host_, outcome));
  return outcome;
}

absl::Status DockerClient::Ping() const {
  HttpRequest request = Request("GET", "/_ping");
  request.timeout = kPingTimeout;
  return Call("ping the Docker engine", std::move(request)).status();
}

absl::StatusOr<std::vector<ContainerSummary>> DockerClient::ListContainers(
    const std::string& label_key, const std::string& label_value) const {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(absl::StrCat("list containers ", Labelled(label_key, label_value)),
                        Request("GET", absl::StrCat("/containers/json?all=1&filters=",
                                                    LabelFilterQuery(label_key, label_value)))));
  return DecodeContainerList(response.body);
}

absl::StatusOr<ContainerInfo> DockerClient::InspectContainer(const std::string& name) const {
  ASSIGN_OR_RETURN(HttpResponse response, Call(absl::StrCat("inspect container ", name),
                                               Request("GET", ContainerPath(name, "/json"))));
  return DecodeContainerInfo(response.body);
}

absl::StatusOr<std::string> DockerClient::CreateContainer(const ContainerConfig& config) const {
  ASSIGN_OR_RETURN(
      HttpResponse response,
      Call(absl::StrCat("create container ", config.name),
           Request("POST", absl::StrCat("/containers/create?name=", UrlEncode(config.name)),
                   EncodeCreateContainer(config))));
  return DecodeCreatedId(response.body);
}

absl::Status DockerClient::StartContainer(const std::string& name) const {
  // 304 (already running) maps to OK.
  return Call(absl::StrCat("start container ", name),
              Request("POST", ContainerPath(name, "/start")))
      .status();
}

absl::Status DockerClient::StopContainer(const std::string& name, absl::Duration timeout) const {
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(timeout, absl::Seconds(1)));
  HttpRequest request = Request("POST", ContainerPath(name, absl::StrCat("/stop?t=", seconds)));
  request.timeout = timeout + kStopMargin;
  // 304 (already stopped) maps to OK.
  return Call(absl::StrCat("stop container ", name), std::move(request)).status();
}

absl::Status DockerClient::KillContainer(const std::string& name, const std::string& signal) const {
  const std::string path = ContainerPath(name, absl::StrCat("/kill?signal=", UrlEncode(signal)));
  return Call(absl::StrCat("kill container ", name, " with ", signal), Request("POST", path))
      .status();
}

absl::Status DockerClient::RemoveContainer(const std::string& name) const {
  // v=1 removes the container's anonymous volumes only (the engine never removes a named one
  // with it): the one the postgres image's VOLUME gives a helper that mounts no named volume
  // there (a restore's) would otherwise be left behind. Every node's data is a named volume.
  return IgnoreNotFound(Call(absl::StrCat("remove container ", name),
                             Request("DELETE", ContainerPath(name, "?force=1&v=1")))
                            .status());
}

absl::StatusOr<ExecResult> DockerClient::Exec(const std::string& container,
                                              const std::vector<std::string>& cmd,
                                              const std::string& user,
                                              absl::Duration timeout) const {
  const absl::Time deadline = clock_.Monotonic() + timeout;
  // Only the program is named in errors: arguments may hold passwords.
  const std::string what =
      absl::StrCat("exec ", cmd.empty() ? "" : cmd.front(), " in container ", container);
  // Every step shares the deadline, and running out of it is reported the same at every step.
  const auto step = [&](HttpRequest request,
                        const BodyCallback* on_data = nullptr) -> absl::StatusOr<HttpResponse> {
    request.timeout = std::min(request.timeout, deadline - clock_.Monotonic());
    absl::StatusOr<HttpResponse> response = Call(what, std::move(request), on_data);
    if (absl::IsDeadlineExceeded(response.status())) {
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": still running after ", absl::FormatDuration(timeout)));
    }
    return response;
  };

  ASSIGN_OR_RETURN(HttpResponse created, step(Request("POST", ContainerPath(container, "/exec"),
                                                      EncodeCreateExec(cmd, user))));
  ASSIGN_OR_RETURN(const std::string exec_id, DecodeCreatedId(created.body));
  const std::string exec_path = absl::StrCat("/exec/", UrlEncode(exec_id));

  // The engine ends the output stream when the process exits.
  ExecStreamDemuxer demuxer;
  absl::Status demuxed;
  const BodyCallback on_data = [&](absl::string_view piece) {
    demuxed = demuxer.Feed(piece);
    return demuxed.ok();
  };
  HttpRequest start =
      Request("POST", absl::StrCat(exec_path, "/start"), R"({"Detach":false,"Tty":false})");
  start.timeout = absl::InfiniteDuration();  // bounded by the deadline alone
  const absl::Status streamed = step(std::move(start), &on_data).status();
  RETURN_IF_ERROR(demuxed);
  RETURN_IF_ERROR(streamed);
  RETURN_IF_ERROR(demuxer.Finish());

  // The exit code is recorded just after the stream closes: wait for it, within the deadline.
  while (true) {
    ASSIGN_OR_RETURN(HttpResponse inspected,
                     step(Request("GET", absl::StrCat(exec_path, "/json"))));
    ASSIGN_OR_RETURN(const ExecState state, DecodeExecState(inspected.body));
    if (!state.running) {
      return ExecResult{state.exit_code, demuxer.stdout_text(), demuxer.stderr_text()};
    }
    clock_.SleepFor(kExecPollInterval);
  }
}

absl::StatusOr<std::string> DockerClient::ContainerLogs(const std::string& name, int lines) const {
  // Without a tty the log comes framed like an exec's output.
  ExecStreamDemuxer demuxer;
  absl::Status demuxed;
  const BodyCallback on_data = [&](absl::string_view piece) {
    demuxed = demuxer.Feed(piece);
    return demuxed.ok();
  };
  RETURN_IF_ERROR(Call(absl::StrCat("read the log of container ", name),
                       Request("GET", ContainerPath(name, absl::StrCat("/logs?stdout=1&stderr=1&"
                                                                       "tail=",
                                                                       lines))),
                       &on_data)
                      .status());
  RETURN_IF_ERROR(demuxed);
  return demuxer.stdout_text() + demuxer.stderr_text();
}

absl::Status DockerClient::UploadFiles(const std::string& container, const std::string& dest_dir,
                                       const std::vector<FileToUpload>& files) const {
  ASSIGN_OR_RETURN(std::string archive, MakeTar(files, absl::ToUnixSeconds(clock_.Now())));
  HttpRequest request =
      Request("PUT", ContainerPath(container, absl::StrCat("/archive?path=", UrlEncode(dest_dir))),
              std::move(archive));
  request.content_type = "application/x-tar";
  return Call(absl::StrCat("upload ", files.size(), files.size() == 1 ? " file" : " files", " to ",
                           container, ":", dest_dir),
              std::move(request))
      .status();
}

absl::StatusOr<std::vector<NetworkSummary>> DockerClient::ListNetworks(
    const std::string& label_key, const std::string& label_value) const {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(absl::StrCat("list networks ", Labelled(label_key, label_value)),
                        Request("GET", absl::StrCat("/networks?filters=",
                                                    LabelFilterQuery(label_key, label_value)))));
  return DecodeNetworkList(response.body);
}

absl::Status DockerClient::CreateNetwork(const std::string& name, const Labels& labels) const {
  return Call(absl::StrCat("create network ", name),
              Request("POST", "/networks/create", EncodeCreateNetwork(name, labels)))
      .status();
}

absl::Status DockerClient::RemoveNetwork(const std::string& name) const {
  return IgnoreNotFound(Call(absl::StrCat("remove network ", name),
                             Request("DELETE", absl::StrCat("/networks/", UrlEncode(name))))
                            .status());
}

absl::StatusOr<std::vector<VolumeSummary>> DockerClient::ListVolumes(
    const std::string& label_key, const std::string& label_value) const {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(absl::StrCat("list volumes ", Labelled(label_key, label_value)),
                        Request("GET", absl::StrCat("/volumes?filters=",
                                                    LabelFilterQuery(label_key, label_value)))));
  return DecodeVolumeList(response.body);
}

absl::StatusOr<Labels> DockerClient::CreateVolume(const std::string& name,
                                                  const Labels& labels) const {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(absl::StrCat("create volume ", name),
                        Request("POST", "/volumes/create", EncodeCreateVolume(name, labels))));
  ASSIGN_OR_RETURN(VolumeSummary volume, DecodeVolume(response.body));
  return volume.labels;
}

absl::Status DockerClient::RemoveVolume(const std::string& name) const {
  return IgnoreNotFound(Call(absl::StrCat("remove volume ", name),
                             Request("DELETE", absl::StrCat("/volumes/", UrlEncode(name))))
                            .status());
}

namespace {

// A holder that ended leaves its lease running a moment longer, until the engine sees the
// connection closed: looked at again for this long before it counts as another's.
constexpr absl::Duration kLeaseEndWait = absl::Seconds(3);
constexpr absl::Duration kLeasePoll = absl::Milliseconds(50);
// A lease created but not started yet is being taken, unless it is older than this: its
// creator died between the two (a SIGKILL lands there now and then). A live creator starts it
// within its attach's timeout and a start.
constexpr absl::Duration kAttachTimeout = absl::Seconds(10);
constexpr absl::Duration kLeaseStartWait = absl::Seconds(15);  // the attach's 10 s, and a start

// While a lease is being taken (created, not started), it is waited on until it starts or is
// older than kLeaseStartWait, however long that is past kLeaseEndWait: its creator may have
// died, and nobody else removes it.
bool BeingTaken(const ContainerInfo& lease) { return lease.state == "created"; }

// "STATE since TIME": a lease never started has Docker's zero StartedAt.
std::string HeldSince(const ContainerInfo& lease) {
  return absl::StrCat(
      lease.state, " since ",
      BeingTaken(lease) || lease.started_at.empty() ? lease.created_at : lease.started_at);
}

constexpr absl::Duration kLeaseFileTimeout = absl::Seconds(10);

// The lease's one process, in the directory its volume is mounted at ($ARGV[0]): it answers
// "read NAME" (ok BASE64, or missing) and "write NAME BASE64" (ok, once the file is on disk
// whole: a temporary file, fsync, rename, fsync of the directory), one line each way on the
// attached stream, and ends when its stdin closes. A request on the open connection costs a few
// milliseconds; the engine's archive and exec calls cost 30-50 ms, on a failover's path. Perl
// (perl-base is in every Debian image) does a write in its own system calls, 1-25 ms on a busy
// machine; a shell would start four programs for it (base64, sync, mv, sync), 25-100 ms.
constexpr char kLeaseProcess[] = R"pl($0 = "radctl-lease";
use strict;
use warnings;
use IO::Handle;
use MIME::Base64;
chdir($ARGV[0]) or exit 1;
$| = 1;
sub write_whole {
  my ($name, $content) = @_;
  open(my $out, ">", "$name.new") or return 0;
  print $out $content or return 0;
  $out->flush && $out->sync && close($out) or return 0;
  rename("$name.new", $name) or return 0;
  open(my $dir, "<", ".") or return 0;
  return $dir->sync;
}
while (my $line = <STDIN>) {
  chomp $line;
  my ($verb, $name, $data) = split(" ", $line, 3);
  $verb //= "";
  if ($verb eq "read" && defined $name) {
    if (open(my $in, "<", $name)) {
      local $/;
      my $content = <$in> // "";
      print "ok ", encode_base64($content, ""), "\n";
    } else {
      print "missing\n";
    }
  } elsif ($verb eq "write" && defined $name) {
    print write_whole($name, decode_base64($data // "")) ? "ok\n" : "failed\n";
  } else {
    print "unknown\n";
  }
})pl";

class DockerLease : public EngineLease {
 public:
  DockerLease(std::string name, std::unique_ptr<AttachedStream> stream)
      : name_(std::move(name)), stream_(std::move(stream)) {}
  bool Held() const override { return stream_->Open(); }

  absl::StatusOr<std::string> ReadFile(const std::string& name) const override {
    ASSIGN_OR_RETURN(std::string answer, Ask(absl::StrCat("read ", name)));
    if (answer == "missing") return absl::NotFoundError(absl::StrCat(name, " was never written"));
    absl::string_view encoded = answer;
    std::string content;
    if (answer == "ok") return content;  // an empty file
    if (!absl::ConsumePrefix(&encoded, "ok ") || !absl::Base64Unescape(encoded, &content)) {
      return Unexpected(answer);
    }
    return content;
  }

  absl::Status WriteFile(const std::string& name, const std::string& content) const override {
    ASSIGN_OR_RETURN(std::string answer,
                     Ask(absl::StrCat("write ", name, " ", absl::Base64Escape(content))));
    if (answer != "ok") return Unexpected(answer);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::string> Ask(const std::string& request) const {
    if (!Held()) {
      return absl::AbortedError(
          absl::StrCat("the lease ", name_, " is no longer held by this process"));
    }
    return stream_->Exchange(request, kLeaseFileTimeout);
  }
  absl::Status Unexpected(const std::string& answer) const {
    return absl::InternalError(absl::StrCat("the lease's container ", name_, " answered \"",
                                            answer.substr(0, 80),
                                            "\" (its volume full or read-only?)"));
  }

  const std::string name_;
  const std::unique_ptr<AttachedStream> stream_;
};

}  // namespace

bool DockerClient::LeaseIsLive(const ContainerInfo& lease) const {
  if (lease.running || lease.state == "restarting") return true;
  if (lease.state != "created") return false;
  absl::Time created;
  std::string error;
  return absl::ParseTime(absl::RFC3339_full, lease.created_at, &created, &error) &&
         clock_.Now() - created < kLeaseStartWait;
}

absl::StatusOr<std::unique_ptr<EngineLease>> DockerClient::TakeLease(
    const ContainerConfig& config) const {
  if (!transport_.ok()) return DockerStatus("take the lease", host_, transport_.status());
  if (config.mounts.empty()) return absl::InvalidArgumentError("a lease needs a volume mount");
  ContainerConfig lease = config;
  lease.entrypoint = {"perl", "-e", kLeaseProcess};
  lease.cmd = {config.mounts.front().target};
  lease.user = "root";  // the volume's directory is the engine's (root's) when it makes it
  lease.stdin_once = true;
  lease.auto_remove = true;
  const absl::Time give_up = clock_.Monotonic() + kLeaseEndWait;
  // Polls count: a lease being taken is waited on for up to kLeaseStartWait.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    absl::StatusOr<std::string> id = CreateContainer(lease);
    if (id.ok()) {
      absl::StatusOr<std::unique_ptr<AttachedStream>> attached =
          AttachedStream::Open(clock_, transport_->endpoint(), *id, kAttachTimeout);
      absl::Status started = attached.ok() ? StartContainer(*id) : attached.status();
      if (!started.ok()) {
        (void)RemoveContainer(*id);
        return started;
      }
      return std::make_unique<DockerLease>(config.name, std::move(*attached));
    }
    if (!absl::IsAborted(id.status())) return id.status();  // Aborted: the name is taken
    absl::StatusOr<ContainerInfo> held = InspectContainer(config.name);
    if (absl::IsNotFound(held.status())) continue;  // it ended meanwhile
    RETURN_IF_ERROR(held.status());
    if (held->state == "removing") {  // its holder has ended: the engine is removing it
      clock_.SleepFor(kLeasePoll);
      continue;
    }
    if (!LeaseIsLive(*held)) {
      RETURN_IF_ERROR(RemoveContainer(held->id));
      continue;
    }
    if (clock_.Monotonic() >= give_up && !BeingTaken(*held)) {
      // Who holds it, in the labels its holder gave it (those this caller would give).
      std::string holder;
      for (const auto& [key, unused] : config.labels) {
        auto value = held->labels.find(key);
        if (value != held->labels.end()) absl::StrAppend(&holder, key, "=", value->second, ", ");
      }
      return absl::FailedPreconditionError(absl::StrCat("container ", config.name,
                                                        " is held by another process (", holder,
                                                        HeldSince(*held), ")"));
    }
    clock_.SleepFor(kLeasePoll);
  }
  return absl::UnavailableError(
      absl::StrCat("could not take the lease ", config.name, ": it kept changing hands"));
}

absl::Status DockerClient::AwaitLeaseEnd(const std::string& name) const {
  const absl::Time give_up = clock_.Monotonic() + kLeaseEndWait;
  while (true) {
    absl::StatusOr<ContainerInfo> held = InspectContainer(name);
    if (absl::IsNotFound(held.status())) return absl::OkStatus();
    RETURN_IF_ERROR(held.status());
    if (held->state != "removing" && !LeaseIsLive(*held)) {
      // Ended, or never started by a holder that died first: nothing else removes it now.
      absl::Status removed = RemoveContainer(held->id);
      if (!removed.ok() && !absl::IsAborted(removed)) return removed;
    } else if (held->state != "removing" && clock_.Monotonic() >= give_up && !BeingTaken(*held)) {
      std::vector<std::string> labels;
      for (const auto& [key, value] : held->labels) labels.push_back(absl::StrCat(key, "=", value));
      return absl::FailedPreconditionError(
          absl::StrCat("container ", name, " is held by another process (",
                       absl::StrJoin(labels, ", "), ", ", HeldSince(*held), ")"));
    }
    clock_.SleepFor(kLeasePoll);
  }
}

absl::StatusOr<ImageInfo> DockerClient::InspectImage(const std::string& name) const {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(absl::StrCat("inspect image ", name),
                        Request("GET", absl::StrCat("/images/", UrlEncode(name), "/json"))));
  return DecodeImageInfo(response.body);
}

absl::Status DockerClient::StreamEvents(const std::string& label_key,
                                        const std::string& label_value,
                                        const std::function<void(const Event&)>& on_event,
                                        const std::atomic<bool>& stop) const {
  const std::string filters = EncodeFilters(
      {{"type", {"container"}}, {"label", {absl::StrCat(label_key, "=", label_value)}}});
  HttpRequest request = Request("GET", absl::StrCat("/events?filters=", UrlEncode(filters)));
  request.timeout = absl::InfiniteDuration();  // idle for hours is normal
  // A watcher has one stream per cluster, idle nearly always: the stop flag is looked at once a
  // second, which is what a stop waits for at most (more often costs an idle watcher CPU).
  request.stop_check = absl::Seconds(1);

  EventStreamDecoder decoder;
  absl::Status decoded;
  const BodyCallback on_data = [&](absl::string_view piece) {
    absl::StatusOr<std::vector<Event>> events = decoder.Feed(piece);
    if (!events.ok()) {
      decoded = events.status();
      return false;
    }
    for (const Event& event : *events) on_event(event);
    return true;
  };
  const absl::Status streamed =
      Call(absl::StrCat("watch events of containers ", Labelled(label_key, label_value)),
           std::move(request), &on_data, &stop)
          .status();
  RETURN_IF_ERROR(decoded);
  if (stop.load()) return absl::OkStatus();
  RETURN_IF_ERROR(streamed);
  return absl::UnavailableError(
      absl::StrCat("the Docker engine at ", host_, " closed the event stream"));
}

absl::Status DockerClient::PauseContainer(const std::string& name) const {
  return Call(absl::StrCat("pause container ", name),
              Request("POST", ContainerPath(name, "/pause")))
      .status();
}

absl::Status DockerClient::UnpauseContainer(const std::string& name) const {
  return Call(absl::StrCat("unpause container ", name),
              Request("POST", ContainerPath(name, "/unpause")))
      .status();
}

absl::Status DockerClient::ConnectNetwork(const std::string& network, const std::string& container,
                                          const std::vector<std::string>& aliases) const {
  return Call(absl::StrCat("connect container ", container, " to network ", network),
              Request("POST", absl::StrCat("/networks/", UrlEncode(network), "/connect"),
                      EncodeNetworkConnect(container, aliases)))
      .status();
}

absl::Status DockerClient::DisconnectNetwork(const std::string& network,
                                             const std::string& container) const {
  return Call(absl::StrCat("disconnect container ", container, " from network ", network),
              Request("POST", absl::StrCat("/networks/", UrlEncode(network), "/disconnect"),
                      EncodeNetworkDisconnect(container, /*force=*/false)))
      .status();
}

}  // namespace radctl::docker

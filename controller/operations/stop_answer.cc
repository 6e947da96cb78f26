#include "controller/operations/stop_answer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/stop_request.h"
#include "controller/operations/node_scripts.h"

namespace radctl {

absl::Status AnswerStop(const ContainerRuntime& runtime, const std::string& node, bool go) {
  const std::string file = kStopAnswerFile;
  const std::string answer = go ? "go" : "wait";
  absl::StatusOr<docker::ExecResult> result = runtime.Exec(
      node,
      ScriptCommand(
          TaggedStep("answer-stop", absl::StrCat("answer=", answer),
                     absl::StrCat("echo ", answer, " >", file, ".tmp; mv ", file, ".tmp ", file))),
      "postgres", absl::Seconds(10));
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::UnavailableError(absl::StrCat("answering ", node, "'s stop request failed (exit ",
                                               result->exit_code, "): ", result->stderr_text));
  }
  return absl::OkStatus();
}

}  // namespace radctl

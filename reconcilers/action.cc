#include "reconcilers/action.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"

namespace radctl {

std::string ActionTypeName(ActionType type) {
  switch (type) {
    case ActionType::kCreateNetwork:
      return "create-network";
    case ActionType::kCreateNode:
      return "create-node";
    case ActionType::kStartContainer:
      return "start-container";
    case ActionType::kCreateBouncer:
      return "create-bouncer";
    case ActionType::kRemoveBouncer:
      return "remove-bouncer";
    case ActionType::kAddLoginHold:
      return "add-login-hold";
    case ActionType::kFence:
      return "fence";
    case ActionType::kInitPrimary:
      return "init-primary";
    case ActionType::kCreatePrimary:
      return "create-primary";
    case ActionType::kStartPrimary:
      return "start-primary";
    case ActionType::kRecordPrimary:
      return "record-primary";
    case ActionType::kHoldClients:
      return "hold-clients";
    case ActionType::kFailover:
      return "failover";
    case ActionType::kPointBouncer:
      return "point-bouncer";
    case ActionType::kCloneStandby:
      return "clone-standby";
    case ActionType::kStartStandby:
      return "start-standby";
    case ActionType::kFollow:
      return "follow";
    case ActionType::kRejoin:
      return "rejoin";
    case ActionType::kRebuild:
      return "rebuild";
    case ActionType::kRemoveNode:
      return "remove-node";
    case ActionType::kReconfigure:
      return "reconfigure";
    case ActionType::kRestartStandby:
      return "restart-standby";
    case ActionType::kRestartPrimary:
      return "restart-primary";
    case ActionType::kSwitchover:
      return "switchover";
    case ActionType::kDropSlot:
      return "drop-slot";
    case ActionType::kCreateStanza:
      return "create-stanza";
    case ActionType::kBackup:
      return "backup";
    case ActionType::kRestorePrimary:
      return "restore-primary";
    case ActionType::kReplaceContainer:
      return "replace-container";
    case ActionType::kRenewCertificate:
      return "renew-certificate";
    case ActionType::kRequireTls:
      return "require-tls";
    case ActionType::kAllowPlaintext:
      return "allow-plaintext";
    case ActionType::kApplyCredentials:
      return "apply-credentials";
    case ActionType::kRefreshBouncer:
      return "refresh-bouncer";
    case ActionType::kCreateReadBouncer:
      return "create-read-bouncer";
    case ActionType::kRemoveReadBouncer:
      return "remove-read-bouncer";
    case ActionType::kPointReadBouncer:
      return "point-read-bouncer";
    case ActionType::kDelayStop:
      return "delay-stop";
    case ActionType::kAllowStop:
      return "allow-stop";
  }
  return "unknown";
}

bool IsLongRunning(ActionType type) {
  return type == ActionType::kCloneStandby || type == ActionType::kRebuild ||
         type == ActionType::kRejoin || type == ActionType::kStartStandby ||
         type == ActionType::kBackup || type == ActionType::kRestorePrimary;
}

bool RunsBesideTheNode(ActionType type) { return type == ActionType::kBackup; }

bool HoldsClients(ActionType type) {
  return type == ActionType::kHoldClients || type == ActionType::kFailover ||
         type == ActionType::kSwitchover || type == ActionType::kPointBouncer ||
         type == ActionType::kRestartPrimary;
}

std::string PauseLimits::ToString() const {
  std::string text = absl::StrCat("PAUSE up to ", absl::FormatDuration(wait));
  if (close_hung_servers) absl::StrAppend(&text, ", then close hung servers");
  if (kill) absl::StrAppend(&text, ", then KILL");
  if (!kill) absl::StrAppend(&text, close_hung_servers ? ", never KILL" : ", then give up");
  return text;
}

std::string Action::ToString(const std::string& cluster) const {
  std::string object;
  switch (type) {
    case ActionType::kCreateNetwork:
      object = NetworkName(cluster);
      break;
    case ActionType::kRenewCertificate:
    case ActionType::kRequireTls:
    case ActionType::kAllowPlaintext:
      object = cluster;
      break;
    case ActionType::kCreateBouncer:
    case ActionType::kRemoveBouncer:
    case ActionType::kAddLoginHold:
    case ActionType::kHoldClients:
    case ActionType::kPointBouncer:
    case ActionType::kApplyCredentials:
    case ActionType::kRefreshBouncer:
      object = BouncerName(cluster);
      break;
    case ActionType::kCreateReadBouncer:
    case ActionType::kRemoveReadBouncer:
    case ActionType::kPointReadBouncer:
      object = ReadBouncerName(cluster);
      break;
    case ActionType::kDropSlot:
      object = absl::StrCat("repmgr_slot_", ordinal);
      break;
    default:
      object = NodeName(cluster, ordinal);
      break;
  }
  std::string text = absl::StrCat(ActionTypeName(type), " ", object);
  std::vector<std::string> names;
  names.reserve(targets.size());
  for (int target : targets) names.push_back(NodeName(cluster, target));
  if (type == ActionType::kPointReadBouncer)
    absl::StrAppend(&text, " -> ", absl::StrJoin(names, ","));
  if (source != 0) {
    const char* word = type == ActionType::kPointBouncer || type == ActionType::kApplyCredentials ||
                               type == ActionType::kRefreshBouncer
                           ? " -> "
                       : type == ActionType::kHoldClients ? " for "
                                                          : " <- ";
    absl::StrAppend(&text, word, NodeName(cluster, source));
  }
  if ((type == ActionType::kFailover || type == ActionType::kSwitchover) && !names.empty()) {
    absl::StrAppend(&text, ", followed by ", absl::StrJoin(names, ","));
  }
  if (HoldsClients(type)) {
    absl::StrAppend(&text, " [hold: ", pause.ToString(),
                    hold == ClientHold::kRequired ? "" : "; best effort", "]");
  }
  if (type == ActionType::kSwitchover) {
    absl::StrAppend(&text, " [if ", NodeName(cluster, ordinal), " has not replayed all within ",
                    absl::FormatDuration(fallback.replay_wait), ": ", NodeName(cluster, source),
                    fallback.restart_old_primary ? " started again as primary" : " left stopped",
                    "]");
  }
  return text;
}

}  // namespace radctl

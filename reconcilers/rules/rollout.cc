// Rule 9: changes a healthy cluster on purpose, only when nothing else is to be done: a changed
// configuration (reload everywhere; standbys that need a restart one at a time while the others
// stream; then the primary by a switchover, or a restart when it is alone), a changed image
// (standbys first, one at a time, each by a new container on its volume; then a switchover), and
// a switchover a person asked for.
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/quorum.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/spec_hash.h"
#include "reconcilers/standby_ranking.h"
#include "reconcilers/switchover.h"
#include "reconcilers/tls_policy.h"

namespace radctl {
namespace {

// "sha256:0123456789abcdef..." -> "0123456789ab", as `docker images` shows it.
std::string ShortImageId(absl::string_view id) {
  absl::ConsumePrefix(&id, "sha256:");
  return std::string(id.substr(0, 12));
}

bool AllStandbysStreaming(const Situation& s, int primary) {
  for (int ordinal : s.desired) {
    if (ordinal == primary) continue;
    const NodeObservation* node = s.Node(ordinal);
    if (node == nullptr || !node->IsStreamingFrom(s.Name(primary))) return false;
  }
  return true;
}

// The most advanced desired standby streaming from the primary, if any.
std::optional<int> StreamingStandby(const Situation& s, int primary) {
  std::vector<const NodeObservation*> streaming;
  for (const NodeObservation& node : s.observed.nodes) {
    if (s.Desired(node.ordinal) && node.IsStreamingFrom(s.Name(primary))) {
      streaming.push_back(&node);
    }
  }
  const NodeObservation* best = MostAdvanced(streaming);
  if (best == nullptr) return std::nullopt;
  return best->ordinal;
}

}  // namespace

Proposal ConfigurationRollout(const Situation& s, int primary) {
  Proposal out;
  const std::string wanted = ConfigHash(s.spec);
  // A primary about to commit with a setting a failover must be stricter about (synchronous
  // from asynchronous, a smaller k) has it recorded first: a failover meanwhile then waits for
  // as many standbys as the primary may have committed with. One about to commit
  // asynchronously has recorded first from which position on its commits may have no standby,
  // so that no failover claims them safe. A larger k is recorded once the primary runs it
  // (primary.cc): the smaller k recorded till then is the stricter for a failover.
  const int next = WantedSynchronousNumber(s.spec);
  const RecordedPrimary& recorded = s.observed.recorded_primary;
  const int as_recorded = recorded.synchronous_number >= 0
                              ? recorded.synchronous_number
                              : SynchronousNumber(s.observed.synchronous_standby_names);
  const bool reload_primary = s.Node(primary)->config_hash != wanted;
  const bool record_first =
      reload_primary && (FailoverStrictness(next) > FailoverStrictness(as_recorded) ||
                         (next == 0 && as_recorded > 0 && recorded.asynchronous_from == 0));
  if (record_first && next > 0) {
    out.Add(ActionType::kRecordPrimary, primary, 0,
            absl::StrCat("the spec asks ", s.Name(primary), " to commit with ANY ", next,
                         ": recorded before its configuration is reloaded, so that a failover "
                         "meanwhile waits for as many standbys as it may have committed with"))
        .synchronous_number = next;
  } else if (record_first) {
    out.Add(ActionType::kRecordPrimary, primary, 0,
            absl::StrCat("the spec asks ", s.Name(primary),
                         " to commit asynchronously: recording from which position on before its "
                         "configuration is reloaded, so that a failover does not count commits "
                         "since as acknowledged by standbys"))
        .asynchronous_next = true;
  }
  for (const NodeObservation& node : s.observed.nodes) {
    if (!node.reachable || !s.Desired(node.ordinal)) continue;
    if (record_first && node.ordinal == primary) continue;
    if (node.config_hash != wanted) {
      out.Add(ActionType::kReconfigure, node.ordinal, 0,
              "configuration changed (spec.postgres.parameters, replication or tls): upload and "
              "reload");
    } else if (std::string tls = NodeTlsDrift(s.spec, s.observed.certificate, node); !tls.empty()) {
      out.Add(ActionType::kReconfigure, node.ordinal, 0,
              absl::StrCat(tls, ": uploading its TLS files and configuration, and reloading"));
    }
  }
  if (!out.actions.empty()) return out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.IsReachableStandby() && node.pending_restart) {
      if (!AllStandbysStreaming(s, primary)) {
        out.Wait(absl::StrCat(node.name,
                              " needs a restart for new parameters: waiting until every standby "
                              "streams"));
        return out;
      }
      out.Add(ActionType::kRestartStandby, node.ordinal, primary,
              "parameters changed that take effect only after a restart (standbys first, one at "
              "a time)");
      return out;
    }
  }
  if (!s.Node(primary)->pending_restart) return out;
  if (std::optional<int> target = StreamingStandby(s, primary)) {
    out.actions.push_back(PlannedSwitchover(
        *target, primary, HandOverFollowers(s.spec, s.observed, primary, *target),
        absl::StrCat("parameters changed that take effect only after a restart: switching "
                     "over to ",
                     s.Name(*target), " so that ", s.Name(primary), " restarts as a standby")));
  } else if (s.spec.nodes == 1) {
    out.Add(ActionType::kRestartPrimary, primary, 0,
            "parameters changed that take effect only after a restart; there is no standby to "
            "switch over to: restarting the primary (clients are held meanwhile)")
        .pause = PauseForPlannedChange();
  } else {
    out.Wait("the primary needs a restart for new parameters: waiting for a streaming standby");
  }
  return out;
}

Proposal ImageRollout(const Situation& s, int primary) {
  Proposal out;
  const ObservedState& observed = s.observed;
  const std::string wanted = NodeSpecHash(s.spec);
  // The same tag rebuilt (a new minor version in radctl/postgres:15) counts as a new image.
  auto rebuilt = [&](const NodeObservation& node) {
    return !observed.wanted_image_id.empty() && !node.image_id.empty() &&
           node.image_id != observed.wanted_image_id;
  };
  auto stale = [&](const NodeObservation& node) {
    return s.Desired(node.ordinal) && node.container == ContainerState::kRunning &&
           (node.spec_hash != wanted || rebuilt(node));
  };
  bool spec_changed = false;
  for (const NodeObservation& node : observed.nodes) {
    spec_changed = spec_changed || (stale(node) && node.spec_hash != wanted);
  }
  const std::string why = spec_changed
                              ? absl::StrCat("spec.postgres.image is ", s.spec.postgres.image)
                              : absl::StrCat(s.spec.postgres.image, " was rebuilt (now ",
                                             ShortImageId(observed.wanted_image_id), ")");
  auto runs = [&](const NodeObservation& node) {
    return node.spec_hash == wanted && rebuilt(node)
               ? absl::StrCat("its earlier build ", ShortImageId(node.image_id))
               : node.image;
  };
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal == primary || !stale(node)) continue;
    if (!AllStandbysStreaming(s, primary)) {
      out.Wait(absl::StrCat(node.name, " runs ", runs(node), " but ", why,
                            ": waiting until every standby streams"));
      return out;
    }
    out.Add(ActionType::kReplaceContainer, node.ordinal, primary,
            absl::StrCat(why, " but ", node.name, " runs ", runs(node),
                         ": a new container on its volume (standbys first, one at a time)"));
    return out;
  }
  const NodeObservation& primary_node = *s.Node(primary);
  if (!stale(primary_node)) return out;
  if (std::optional<int> target = StreamingStandby(s, primary)) {
    out.actions.push_back(PlannedSwitchover(
        *target, primary, HandOverFollowers(s.spec, s.observed, primary, *target),
        absl::StrCat(why, " but the primary runs ", runs(primary_node), ": switching over to ",
                     s.Name(*target), " (on the new image) so that ", s.Name(primary),
                     " is replaced as a standby")));
  } else {
    out.Wait(absl::StrCat("the primary runs ", runs(primary_node), " but ", why,
                          ": waiting for a streaming standby to switch over to (a single node "
                          "keeps its image; scale to 2 nodes to roll it)"));
  }
  return out;
}

Proposal RequestedSwitchover(const Situation& s, int primary) {
  Proposal out;
  int target = s.requests.switchover_to;
  if (target == 0 || target == primary) return out;
  absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(s.spec, s.observed, target);
  if (!choice.ok()) {
    out.Wait(absl::StrCat("switchover to ", s.Name(target), " requested, but ",
                          choice.status().message()));
    return out;
  }
  out.actions.push_back(PlannedSwitchover(
      choice->to, primary, HandOverFollowers(s.spec, s.observed, primary, choice->to),
      "switchover requested (radctl switchover)"));
  return out;
}

}  // namespace radctl

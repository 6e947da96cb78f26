// Rule 10: the read-only endpoint (spec.bouncer.readPort; read_endpoint.h chooses whom it
// serves). It exists when the spec asks for it, serves the eligible standbys (or the primary as a
// fallback), and is left alone while the write side acts, so that it never delays or races a
// failover or a repoint. Without a writable primary it keeps its last target.
#include "reconcilers/read_endpoint.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

// Whether this pass changes who is primary or where the write endpoint points.
bool WriteSideActs(const Proposal& write_side) {
  return std::any_of(write_side.actions.begin(), write_side.actions.end(), [](const Action& a) {
    switch (a.type) {
      case ActionType::kCreateBouncer:
      case ActionType::kRemoveBouncer:
      case ActionType::kFence:
      case ActionType::kRecordPrimary:
      case ActionType::kHoldClients:
      case ActionType::kFailover:
      case ActionType::kPointBouncer:
      case ActionType::kSwitchover:
      case ActionType::kRestartPrimary:
        return true;
      default:
        return false;
    }
  });
}

// Desired standbys with nothing disruptive planned for them in this pass: one about to be
// restarted, replaced, rebuilt or repointed is taken out of the read endpoint first (one no
// longer desired is not a candidate at all).
std::vector<int> ReadCandidates(const Situation& s, const Proposal& write_side,
                                std::map<int, std::string>* planned) {
  std::vector<int> candidates;
  for (int ordinal : s.desired) {
    if (auto stopping = s.stops.leave_read_endpoint.find(ordinal);
        stopping != s.stops.leave_read_endpoint.end()) {
      (*planned)[ordinal] = stopping->second;
      continue;
    }
    auto action =
        std::find_if(write_side.actions.begin(), write_side.actions.end(), [&](const Action& a) {
          return a.ordinal == ordinal &&
                 (a.type == ActionType::kRestartStandby ||
                  a.type == ActionType::kReplaceContainer || a.type == ActionType::kRebuild ||
                  a.type == ActionType::kFollow);
        });
    if (action != write_side.actions.end()) {
      (*planned)[ordinal] = absl::StrCat(ActionTypeName(action->type), " is planned for it");
    } else {
      candidates.push_back(ordinal);
    }
  }
  return candidates;
}

// The event's text: who is taken out and why, who is put back, and a fallback's reason.
std::string RetargetReason(const Situation& s, int primary, const ReadTargets& wanted,
                           const std::vector<int>& current) {
  auto in = [](const std::vector<int>& list, int ordinal) {
    return std::find(list.begin(), list.end(), ordinal) != list.end();
  };
  std::vector<std::string> parts;
  if (current.empty()) parts.push_back("read bouncer has no target yet");
  if (wanted.fallback) {  // one line that says why each standby is out
    std::vector<std::string> why;
    for (const auto& [ordinal, text] : wanted.excluded) {
      why.push_back(absl::StrCat(s.Name(ordinal), " ", text));
    }
    parts.push_back(absl::StrCat("no standby streams within readMaxLag ",
                                 s.spec.bouncer.read_max_lag,
                                 why.empty() ? std::string(" (there is none)")
                                             : absl::StrCat(" (", absl::StrJoin(why, "; "), ")"),
                                 ": read endpoint falls back to the primary ", s.Name(primary)));
    return absl::StrJoin(parts, "; ");
  }
  const bool was_fallback = current == std::vector<int>{primary};
  for (int ordinal : current) {
    if (was_fallback || in(wanted.ordinals, ordinal)) continue;
    if (ordinal == primary) {  // promoted while it served reads (a switchover, a failover)
      parts.push_back(
          absl::StrCat(s.Name(ordinal), " taken out of the read endpoint: it is the primary now"));
      continue;
    }
    auto why = wanted.excluded.find(ordinal);
    parts.push_back(
        absl::StrCat(s.Name(ordinal), " taken out of the read endpoint: ",
                     why != wanted.excluded.end()
                         ? why->second
                         : absl::StrCat("scaling down to ", s.spec.nodes, " nodes removes it")));
  }
  for (int ordinal : wanted.ordinals) {
    if (in(current, ordinal)) continue;
    parts.push_back(absl::StrCat(s.Name(ordinal), " put into the read endpoint: streams from ",
                                 s.Name(primary), ", replay lag ",
                                 FormatBytes(wanted.lag.at(ordinal))));
  }
  if (was_fallback) {
    parts.push_back(
        absl::StrCat("the read endpoint no longer falls back to the primary ", s.Name(primary)));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

Proposal ReadEndpoint(const Situation& s, const Proposal& write_side, int primary) {
  Proposal out;
  const BouncerObservation& read = s.observed.read_bouncer;
  if (s.spec.bouncer.read_port == kNoReadPort) {
    if (read.container != ContainerState::kMissing) {
      out.Add(ActionType::kRemoveReadBouncer, 0, 0,
              "spec.bouncer.readPort is not set: removing the read endpoint");
    }
    return out;
  }
  if (WriteSideActs(write_side)) return out;
  if (read.container == ContainerState::kMissing) {
    out.Add(ActionType::kCreateReadBouncer, 0, 0,
            absl::StrCat("read endpoint (spec.bouncer.readPort ", s.spec.bouncer.read_port,
                         ") does not exist"));
    return out;
  }
  if (read.spec_hash != ReadBouncerSpecHash(s.spec)) {
    out.Add(ActionType::kRemoveReadBouncer, 0, 0,
            "read bouncer was created from another spec (read port, bind address, pool mode or "
            "auth changed); re-creating it");
    return out;
  }
  if (read.container != ContainerState::kRunning) {
    out.Add(ActionType::kCreateReadBouncer, 0, 0,
            "read bouncer container is stopped; re-creating it");
    return out;
  }
  if (primary == 0) return out;
  if (!read.reachable) {
    out.Wait(absl::StrCat("read bouncer admin console does not answer: ", read.probe_error));
    return out;
  }
  std::map<int, std::string> planned;
  std::vector<int> candidates = ReadCandidates(s, write_side, &planned);
  ReadTargets wanted = ChooseReadTargets(s.spec, s.observed, primary, candidates);
  for (auto& [ordinal, why] : planned) wanted.excluded[ordinal] = why;
  const std::vector<int> current = ReadTargetsFromHosts(s.spec.name, read.target_host);
  if (wanted.ordinals == current) {
    if (!read.files_current) {
      out.Add(ActionType::kPointReadBouncer, 0, 0,
              "read bouncer runs with an older userlist or TLS files: uploading the current ones")
          .targets = wanted.ordinals;
    }
    return out;
  }
  out.Add(ActionType::kPointReadBouncer, 0, 0, RetargetReason(s, primary, wanted, current))
      .targets = wanted.ordinals;
  return out;
}

}  // namespace radctl

#include "reconcilers/naming.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace radctl {

std::string NetworkName(const std::string& cluster) { return absl::StrCat(cluster, "-net"); }

std::string NodeName(const std::string& cluster, int ordinal) {
  return absl::StrCat(cluster, "-pg-", ordinal);
}

std::string VolumeName(const std::string& cluster, int ordinal) {
  return absl::StrCat(NodeName(cluster, ordinal), "-data");
}

std::string BouncerName(const std::string& cluster) { return absl::StrCat(cluster, "-bouncer"); }

std::string ReadBouncerName(const std::string& cluster) {
  return absl::StrCat(cluster, "-bouncer-read");
}

std::optional<int> OrdinalFromNodeName(const std::string& cluster, const std::string& name) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, cluster) || !absl::ConsumePrefix(&rest, "-pg-")) {
    return std::nullopt;
  }
  // Digits only, without a leading zero: "demo-pg-01" or "demo-pg- 1" is no node's name.
  if (rest.empty() || rest.front() == '0' || !absl::c_all_of(rest, absl::ascii_isdigit)) {
    return std::nullopt;
  }
  int ordinal = 0;
  if (!absl::SimpleAtoi(rest, &ordinal)) return std::nullopt;
  return ordinal;
}

LabelMap ClusterLabels(const std::string& cluster) {
  return {{kLabelCluster, cluster}, {kLabelComposeProject, cluster}};
}

LabelMap NodeLabels(const std::string& cluster, int ordinal, const std::string& spec_hash) {
  LabelMap labels = ClusterLabels(cluster);
  labels[kLabelComponent] = kComponentPostgres;
  labels[kLabelOrdinal] = absl::StrCat(ordinal);
  labels[kLabelSpecHash] = spec_hash;
  labels[kLabelComposeService] = "pg";
  labels[kLabelComposeNumber] = absl::StrCat(ordinal);
  return labels;
}

LabelMap BouncerLabels(const std::string& cluster, const std::string& spec_hash) {
  LabelMap labels = ClusterLabels(cluster);
  labels[kLabelComponent] = kComponentBouncer;
  labels[kLabelSpecHash] = spec_hash;
  labels[kLabelComposeService] = "bouncer";
  labels[kLabelComposeNumber] = "1";
  return labels;
}

LabelMap ReadBouncerLabels(const std::string& cluster, const std::string& spec_hash) {
  LabelMap labels = ClusterLabels(cluster);
  labels[kLabelComponent] = kComponentReadBouncer;
  labels[kLabelSpecHash] = spec_hash;
  labels[kLabelComposeService] = "bouncer-read";
  labels[kLabelComposeNumber] = "1";
  return labels;
}

std::string RestoreHelperName(const std::string& cluster) {
  return absl::StrCat(cluster, "-restore");
}

std::string LeaseName(const std::string& cluster) {
  return absl::StrCat(cluster, "-controller-lease");
}

std::string LeaseVolumeName(const std::string& cluster) {
  return absl::StrCat(cluster, "-controller-state");
}

LabelMap RepositoryLabels(const std::string& cluster) {
  LabelMap labels = ClusterLabels(cluster);
  labels[kLabelComponent] = kComponentBackup;
  return labels;
}

LabelMap RestoreHelperLabels(const std::string& cluster) {
  LabelMap labels = ClusterLabels(cluster);
  labels[kLabelComponent] = kComponentRestore;
  return labels;
}

}  // namespace radctl

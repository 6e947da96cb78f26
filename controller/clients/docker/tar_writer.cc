#include "controller/clients/docker/tar_writer.h"

#include <array>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::docker {
namespace {

constexpr size_t kBlock = 512;

// Field offsets and widths of a POSIX ustar header.
struct Field {
  size_t offset;
  size_t width;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChecksum{148, 8};
constexpr Field kTypeflag{156, 1};
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kPrefix{345, 155};

using Header = std::array<char, kBlock>;

void PutText(Header& header, Field field, absl::string_view text) {
  std::memcpy(header.data() + field.offset, text.data(), text.size());
}

// Numbers are zero-padded octal filling the field but for a closing NUL.
absl::Status PutOctal(Header& header, Field field, int64_t value, absl::string_view path,
                      absl::string_view what) {
  const std::string digits =
      absl::StrFormat("%0*o", static_cast<int>(field.width - 1), static_cast<uint64_t>(value));
  if (value < 0 || digits.size() > field.width - 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot archive ", path, ": ", what, " ", value, " does not fit in ustar"));
  }
  PutText(header, field, digits);
  return absl::OkStatus();
}

absl::Status CheckPath(absl::string_view path) {
  if (path.empty() || path == "/")
    return absl::InvalidArgumentError("cannot archive an empty path");
  if (absl::StartsWith(path, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot archive ", path, ": paths are relative to the destination"));
  }
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot archive ", path, ": \"..\" would leave the destination"));
    }
  }
  return absl::OkStatus();
}

// ustar keeps paths over 100 bytes as prefix (up to 155) + "/" + name (up to 100).
absl::Status PutPath(Header& header, absl::string_view path) {
  if (path.size() <= kName.width) {
    PutText(header, kName, path);
    return absl::OkStatus();
  }
  // The trailing "/" of a directory is part of its name, never the split point.
  for (size_t slash = path.find('/'); slash != absl::string_view::npos && slash + 1 < path.size();
       slash = path.find('/', slash + 1)) {
    if (slash <= kPrefix.width && path.size() - slash - 1 <= kName.width) {
      PutText(header, kPrefix, path.substr(0, slash));
      PutText(header, kName, path.substr(slash + 1));
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("cannot archive ", path, ": path too long"));
}

absl::Status AppendEntry(const FileToUpload& file, int64_t mtime, std::string& archive) {
  RETURN_IF_ERROR(CheckPath(file.path));
  const bool directory = absl::EndsWith(file.path, "/");
  if (directory && !file.content.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot archive ", file.path, ": a directory has no content"));
  }
  // A directory without the search bit cannot be entered; grant it wherever read is granted.
  const int mode = directory ? file.mode | ((file.mode & 0444) >> 2) : file.mode;

  Header header{};
  RETURN_IF_ERROR(PutPath(header, file.path));
  RETURN_IF_ERROR(PutOctal(header, kMode, mode, file.path, "mode"));
  RETURN_IF_ERROR(PutOctal(header, kUid, file.uid, file.path, "uid"));
  RETURN_IF_ERROR(PutOctal(header, kGid, file.gid, file.path, "gid"));
  RETURN_IF_ERROR(
      PutOctal(header, kSize, static_cast<int64_t>(file.content.size()), file.path, "size"));
  RETURN_IF_ERROR(PutOctal(header, kMtime, mtime, file.path, "mtime"));
  PutText(header, kTypeflag, directory ? "5" : "0");
  PutText(header, kMagic, absl::string_view("ustar", 6));  // with its NUL
  PutText(header, kVersion, "00");

  // The checksum is computed with its own field read as spaces.
  PutText(header, kChecksum, "        ");
  unsigned int checksum = 0;
  for (const char c : header) checksum += static_cast<unsigned char>(c);
  PutText(header, kChecksum, absl::StrFormat("%06o", checksum));
  header[kChecksum.offset + 6] = '\0';  // then the space left in place

  archive.append(header.data(), header.size());
  archive += file.content;
  archive.append((kBlock - file.content.size() % kBlock) % kBlock, '\0');
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> MakeTar(const std::vector<FileToUpload>& files, int64_t mtime) {
  std::string archive;
  for (const FileToUpload& file : files) {
    RETURN_IF_ERROR(AppendEntry(file, mtime, archive));
  }
  archive.append(2 * kBlock, '\0');  // the end-of-archive marker
  return archive;
}

}  // namespace radctl::docker

// Files in and out (see files.hpp).
#include "common/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"

namespace course {
namespace {

namespace fs = std::filesystem;

// The file being written when a signal arrives (at most one at a time in this course).
char g_pending[4096] = {0};

extern "C" void remove_pending_and_exit(int sig) {
  if (g_pending[0]) unlink(g_pending);  // unlink is async-signal-safe
  signal(sig, SIG_DFL);
  raise(sig);  // end with the signal's own status (130 for Ctrl-C in a shell)
}

}  // namespace

std::string read_file(const std::string& path, std::size_t max_bytes, const std::string& what,
                      const std::string& hint) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw Error(path + ": file not found" + hint);
  if (fs::is_directory(st)) throw Error(path + ": is a folder, expected " + what);
  if (!fs::is_regular_file(st))
    throw Error(path + ": is not a regular file (a device or a pipe?), expected " + what);
  const auto size = fs::file_size(path, ec);
  if (ec) throw Error(path + ": cannot read its size (" + ec.message() + ")");
  if (size > max_bytes)
    throw Error(path + ": " + std::to_string(size) + " bytes, more than the " +
                std::to_string(max_bytes) + " expected of " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file for reading");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size) throw Error(path + ": read error");
  return bytes;
}

void make_out_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Error(dir + ": cannot create the output folder (" + ec.message() + ")");
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw Error(path + ": cannot flush the file to the disk (fsync failed)");
}

PendingFile::PendingFile(const std::string& path) {
  std::snprintf(g_pending, sizeof g_pending, "%s", path.c_str());
}

PendingFile::~PendingFile() { g_pending[0] = 0; }

void remove_pending_file_on_signals() {
  std::signal(SIGINT, remove_pending_and_exit);
  std::signal(SIGTERM, remove_pending_and_exit);
}

// [write_file_atomic]
void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  PendingFile pending(tmp);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write (is the folder there and writable?)");
    out << content;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  try {
    sync_file(tmp);  // the data is on the disk before the name points at it
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename " + tmp + " into place");
  }
}
// [write_file_atomic]

}  // namespace course

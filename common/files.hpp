/// \file
/// \brief Files in and out: read a whole input file with a size limit, write a file so that it
/// is complete or absent, and create the output folder.
///
/// Every failure is a course::Error whose one-line message names the file and what was wrong.
/// What it leaves out on purpose: streaming reads (every file the course reads fits in memory).
#pragma once

#include <cstddef>
#include <string>

namespace course {

/// \brief Read a whole regular file into memory.
///
/// Refuses, with one line naming the file: a missing file, a folder, a special file (a device
/// such as /dev/zero, a pipe: they may never end), and a file over `max_bytes`.
/// \param what what the file should be, for messages (e.g. "a safetensors checkpoint")
/// \param hint appended to the "file not found" message (e.g. the command that fetches it)
std::string read_file(const std::string& path, std::size_t max_bytes, const std::string& what,
                      const std::string& hint = "");

/// \brief Create the output folder (and parents); an Error if that is impossible.
void make_out_dir(const std::string& dir);

/// \brief Write a file so that it is either complete or absent: write `path.tmp`, flush it to
/// the disk (fsync), rename it into place. Ctrl-C or SIGTERM during the write deletes the
/// temporary file on the way out.
void write_file_atomic(const std::string& path, const std::string& content);

/// \brief Flush a written file's data to the disk (fsync); an Error naming it if that fails.
void sync_file(const std::string& path);

/// \brief A temporary file that Ctrl-C (SIGINT) or SIGTERM deletes before the run ends, so an
/// interrupted run leaves complete files only. Register it while the file is being written;
/// the destructor unregisters it (it does not delete it: rename it into place first).
class PendingFile {
 public:
  explicit PendingFile(const std::string& path);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
};

/// \brief From now on, SIGINT and SIGTERM delete the pending temporary file (if any) and end
/// the process with the signal's own status.
void remove_pending_file_on_signals();

}  // namespace course

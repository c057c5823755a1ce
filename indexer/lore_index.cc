// lore-index: the batch import job. Each PATH goes through the reader its
// content calls for, into the index writer; what was finished is committed
// after each file, whatever happens to the next one.
//
// The reader runs on this thread and hands records to ParallelWriter's
// workers, so parsing and rendering overlap Xapian's work. Into an empty
// database the workers build shards side by side, merged after the last file
// (until then, the database stays empty: an interrupted first import leaves
// nothing half done, and the next run starts it again).
#include <cstdlib>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <thread>
#include <fstream>
#include <iostream>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/prettywriter.h>

#include "cli.h"
#include "database.h"
#include "errors.h"
#include "index_writer.h"
#include "reader.h"

namespace lore {
namespace {

struct Rejection {
  Position where;
  std::string reason;
};

struct FileStats {
  std::string path;
  std::string format;
  uint64_t read = 0, added = 0, updated = 0, unchanged = 0, removed = 0, rejected = 0;
  std::map<std::string, uint64_t> skipped;
  double seconds = 0;
  std::string error;  // the whole file was refused
  uint64_t skipped_total() const {
    uint64_t n = 0;
    for (auto& [k, v] : skipped) n += v;
    return n;
  }
};

// Shows records read so far on a terminal, at most ten times a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  void update(const std::string& file, uint64_t records) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::cerr << "\r\033[K" << file << ": " << records << " records" << std::flush;
  }
  void done() {
    if (enabled_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_{};
};

constexpr size_t kMaxRejectLines = 20;

class WriterSink : public RecordSink {
 public:
  WriterSink(ParallelWriter& writer, WriteTally& tally, FileStats& stats, std::vector<Rejection>& rejects,
             Progress& progress)
      : writer_(writer), tally_(tally), stats_(stats), rejects_(rejects), progress_(progress) {}

  // Outcomes are counted by the writer's threads into tally_, read once the
  // file is committed.
  void record(Record&& r) override {
    ++stats_.read;
    writer_.write(std::move(r), tally_);
    progress_.update(stats_.path, stats_.read);
  }

  void reject(const Position& where, std::string_view reason) override {
    ++stats_.rejected;
    if (rejects_.size() < kMaxRejectLines) {
      progress_.done();
      std::cerr << "lore-index: rejected: " << where.str() << ": " << reason << "\n";
    }
    rejects_.push_back({where, std::string(reason)});
  }

  void skip(std::string_view category) override { ++stats_.skipped[std::string(category)]; }

  // The writer's threads finish records (ParallelWriter::write).
  bool defers_work() const override { return true; }

 private:
  ParallelWriter& writer_;
  WriteTally& tally_;
  FileStats& stats_;
  std::vector<Rejection>& rejects_;
  Progress& progress_;
};

void write_report(const std::string& path, const std::vector<FileStats>& files, const std::vector<Rejection>& rejects,
                  double seconds, uint64_t documents) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  auto str = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("files");
  w.StartArray();
  for (const auto& f : files) {
    w.StartObject();
    w.Key("path"), str(f.path);
    w.Key("format"), str(f.format);
    w.Key("read"), w.Uint64(f.read);
    w.Key("added"), w.Uint64(f.added);
    w.Key("updated"), w.Uint64(f.updated);
    w.Key("unchanged"), w.Uint64(f.unchanged);
    w.Key("removed"), w.Uint64(f.removed);
    w.Key("skipped"), w.Uint64(f.skipped_total());
    w.Key("skipped_by_reason");
    w.StartObject();
    for (const auto& [k, v] : f.skipped) w.Key(k.c_str()), w.Uint64(v);
    w.EndObject();
    w.Key("rejected"), w.Uint64(f.rejected);
    w.Key("seconds"), w.Double(f.seconds);
    w.Key("error");
    if (f.error.empty())
      w.Null();
    else
      str(f.error);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rejected");
  w.StartArray();
  for (const auto& r : rejects) {
    w.StartObject();
    w.Key("file"), str(r.where.file);
    w.Key("line"), w.Uint64(r.where.line);
    w.Key("column"), w.Uint64(r.where.column);
    w.Key("position"), str(r.where.str());
    w.Key("reason"), str(r.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("documents"), w.Uint64(documents);
  w.Key("seconds"), w.Double(seconds);
  w.EndObject();
  std::ofstream out(path);
  out << buf.GetString() << "\n";
  if (!out) throw Error(Error::Code::Usage, "cannot write the report to " + path);
}

int main_index(int argc, char** argv) {
  namespace po = boost::program_options;
  cli::CommonOptions common;
  std::string format, progress_mode = "auto", report, synonyms;
  uint32_t batch = 5000;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  ReaderOptions ropts;
  std::vector<std::string> paths;

  po::options_description opts("Options");
  opts.add_options()
      ("format", po::value(&format)->value_name("NAME"), "force an input format instead of detecting it")
      ("progress", po::value(&progress_mode)->value_name("auto|always|never"), "progress on stderr (default: auto, on a terminal)")
      ("report", po::value(&report)->value_name("FILE"), "write the summary and every rejected record as JSON")
      ("synonyms", po::value(&synonyms)->value_name("FILE"), "replace the glossary of synonyms: one line `term synonym...`")
      ("batch-size", po::value(&batch)->value_name("N"), "documents per commit (default 5000)")
      ("threads", po::value(&threads)->value_name("N"), "writer threads; into an empty database each builds a shard (default: the number of cores)")
      ("slack-workspace-url", po::value(&ropts.slack_workspace_url)->value_name("URL"), "Slack workspace address, for permalinks")
      ("wp-keep-post-types", po::value(&ropts.wp_keep_post_types)->multitoken()->value_name("TYPE..."), "WordPress custom post types to keep");
  opts.add(cli::common_options(common));
  po::options_description hidden;
  hidden.add_options()("path", po::value(&paths));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("path", -1);
  cli::parse(argc, argv, opts, all, pos);

  if (common.help) {
    std::cout << "Usage: lore-index [options] PATH...\n\n"
                 "Imports Slack, GitHub and WordPress/P2 exports and Lore JSON Lines into the index.\n\n"
              << opts << "\nFormats (detected from content):\n";
    for (const auto& r : all_readers()) std::cout << "  " << r->format() << "\t" << r->description() << "\n";
    std::cout << "\nExit codes: 0 all imported, 1 some input rejected (the rest imported), 2 bad usage,\n"
                 "3 database problem.\n";
    return 0;
  }
  if (common.version) {
    std::cout << cli::version_line("lore-index") << "\n";
    return 0;
  }
  if (paths.empty() && synonyms.empty())
    throw Error(Error::Code::Usage, "no input given", "usage: lore-index [options] PATH...");
  if (progress_mode != "auto" && progress_mode != "always" && progress_mode != "never")
    throw Error(Error::Code::Usage, "--progress takes auto, always or never");
  const bool show_progress = progress_mode == "always" || (progress_mode == "auto" && isatty(STDERR_FILENO));

  const std::string db = resolve_db_path(common.db);
  if (paths.empty()) {  // only a new glossary
    IndexWriter writer(db, batch);
    size_t n = writer.replace_synonyms(IndexWriter::read_synonyms(synonyms));
    std::cout << "glossary " << synonyms << ": " << n << " terms with synonyms\n";
    return 0;
  }
  // Read before importing, so that a bad glossary file stops the run early.
  const auto glossary = synonyms.empty() ? decltype(IndexWriter::read_synonyms(synonyms)){}
                                         : IndexWriter::read_synonyms(synonyms);
  ParallelWriter writer(db, threads, batch);
  Progress progress(show_progress);
  std::deque<WriteTally> tallies;  // outlive the writer's queue
  std::vector<FileStats> files;
  std::vector<Rejection> rejects;
  auto t0 = std::chrono::steady_clock::now();
  bool any_rejected = false;

  for (const auto& path : paths) {
    FileStats stats;
    WriteTally& tally = tallies.emplace_back();
    stats.path = path;
    auto start = std::chrono::steady_clock::now();
    try {
      auto reader = reader_for(path, format);
      stats.format = std::string(reader->format());
      WriterSink sink(writer, tally, stats, rejects, progress);
      reader->read(path, ropts, sink);
    } catch (const Error& e) {
      if (e.exit_code() == ExitCode::Database) {
        progress.done();
        try {
          writer.finish();  // keep what was written before
        } catch (const Error&) {
        }
        throw;
      }
      if (e.code() == Error::Code::Usage) throw;
      // The whole file is unusable: say so, keep what came before, go on.
      progress.done();
      stats.error = e.what();
      ++stats.rejected;
      std::cerr << "lore-index: error: " << e.what() << "\n";
      if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
      rejects.push_back({Position{path, 0, 0, {}}, e.what()});
    }
    writer.commit();
    stats.added = tally.added, stats.updated = tally.updated, stats.unchanged = tally.unchanged;
    stats.removed = tally.removed;
    progress.done();
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    any_rejected = any_rejected || stats.rejected > 0;
    files.push_back(std::move(stats));
  }
  writer.finish();
  if (!synonyms.empty()) {
    size_t n = writer.replace_synonyms(glossary);
    std::cout << "glossary " << synonyms << ": " << n << " terms with synonyms\n";
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::cout << "file\tformat\tread\tadded\tupdated\tunchanged\tremoved\tskipped\trejected\tseconds\n";
  for (const auto& f : files) {
    char secs[32];
    snprintf(secs, sizeof secs, "%.2f", f.seconds);
    std::cout << f.path << "\t" << (f.format.empty() ? "-" : f.format) << "\t" << f.read << "\t" << f.added << "\t"
              << f.updated << "\t" << f.unchanged << "\t" << f.removed << "\t" << f.skipped_total() << "\t"
              << f.rejected << "\t" << secs << "\n";
  }
  std::cout << "documents in " << db << ": " << writer.document_count() << "\n";
  if (rejects.size() > kMaxRejectLines)
    std::cerr << "lore-index: " << rejects.size() - kMaxRejectLines << " more rejected"
              << (report.empty() ? "; see them all with --report FILE" : "; all are in " + report) << "\n";
  if (!report.empty()) write_report(report, files, rejects, seconds, writer.document_count());
  return any_rejected ? static_cast<int>(ExitCode::Rejected) : 0;
}

}  // namespace
}  // namespace lore

int main(int argc, char** argv) {
  // libarchive turns every zip entry's DOS time into a time_t with mktime(),
  // and glibc's mktime() looks at /etc/localtime again on each call when TZ
  // is unset: a tenth of the reading thread's time on a Slack export of
  // 200,000 day files. Naming the same zone file makes glibc read it once.
  // Lore itself only ever uses UTC.
  if (!std::getenv("TZ")) setenv("TZ", ":/etc/localtime", 0);
  return lore::cli::run("lore-index", [&] { return lore::main_index(argc, argv); });
}

// Golden tests of the Slack readers on the real samples in shared/realdata/slack.
// Expected counts were taken from an independent reading of the JSON.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "errors.h"
#include "record_json.h"
#include "test_archive.h"
#include "test_util.h"
#include "tree.h"

namespace fs = std::filesystem;

namespace lore {
namespace {

using test::CollectingSink;
using test::realdata;
using test::TempDir;

const fs::path kHouston = realdata("slack/houstondatavis-slack-export");
const fs::path kJulia = realdata("slack/julialang-slack-history");
const fs::path kViewerZip = realdata("slack/slack-export-viewer/tests/testarchive.zip");
const fs::path kSlackdump = realdata("slack/slackdump/internal/fixtures/assets");
const fs::path kZulip = realdata("slack/zulip-fixtures/zerver/tests/fixtures/slack_fixtures");

CollectingSink import(const fs::path& path, std::string_view format = "", ReaderOptions options = {}) {
  CollectingSink sink;
  reader_for(path, format)->read(path, options, sink);
  return sink;
}

std::map<std::string, int> skip_counts(const CollectingSink& sink) {
  std::map<std::string, int> out;
  for (const auto& s : sink.skips) ++out[s];
  return out;
}

std::vector<std::string> sorted_json(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const auto& r : sink.records) out.push_back(record_to_json(r));
  std::sort(out.begin(), out.end());
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A scratch folder removed at the end of the test.
// A writable copy of a read-only sample.
fs::path writable_copy(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  fs::permissions(to, fs::perms::owner_all, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(to))
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write |
                                  (e.is_directory() ? fs::perms::owner_exec : fs::perms::none),
                    fs::perm_options::add);
  return to;
}

void write_file(const fs::path& p, std::string_view content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// ---------------------------------------------------------------- houstondatavis

TEST(slack_reader_test, houston_counts_per_channel) {
  auto sink = import(kHouston);
  EXPECT_TRUE(sink.rejects.empty());
  std::map<std::string, int> per_space;
  for (const auto& r : sink.records) ++per_space[r.space];
  const std::map<std::string, int> expected = {
      {"datajam", 146}, {"datasets", 17},      {"design-thinking", 2}, {"examples", 58}, {"general", 403},
      {"get_feedback", 135}, {"meetup-", 74}, {"organizations", 2},  {"readings", 34}, {"sci", 48},
      {"sponsors", 8},     {"talks", 16},      {"team-d3", 21},        {"tools", 62},    {"tutorials", 5}};
  EXPECT_EQ(per_space, expected);
  EXPECT_EQ(sink.records.size(), 1031u);
  EXPECT_EQ(sink.count_kind("message"), 1031u);  // the export predates threads
  const std::map<std::string, int> skips = {{"bot_add", 1},       {"channel_archive", 9}, {"channel_join", 320},
                                            {"channel_leave", 3}, {"channel_name", 2},    {"channel_purpose", 13},
                                            {"channel_topic", 2}, {"pinned_item", 1}};
  EXPECT_EQ(skip_counts(sink), skips);
  size_t reactions = 0, files = 0, edited = 0, private_ = 0;
  for (const auto& r : sink.records) {
    reactions += has(r.has, "reaction");
    files += has(r.has, "file");
    edited += r.edited;
    private_ += !r.principals.empty();
  }
  EXPECT_EQ(reactions, 88u);
  EXPECT_EQ(files, 67u);
  EXPECT_EQ(edited, 37u);
  EXPECT_EQ(private_, 0u);  // a public-channel-only export
}

TEST(slack_reader_test, houston_records) {
  ReaderOptions options;
  options.slack_workspace_url = "houstondatavis.slack.com/";
  auto sink = import(kHouston, "", options);

  const Record* r = sink.find("slack:C061A2UGJ/1433866058.000003");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->kind, "message");
  EXPECT_EQ(r->source, "slack");
  EXPECT_EQ(r->space, "general");
  EXPECT_EQ(r->space_aliases, (std::vector<std::string>{"C061A2UGJ", "#general"}));
  EXPECT_EQ(r->author, "Micah Stubbs");
  EXPECT_EQ(r->author_id, "U061A1R2R");
  EXPECT_EQ(r->author_aliases, (std::vector<std::string>{"micahstubbs", "U061A1R2R"}));
  EXPECT_EQ(r->text,
            "working with census data?  http://opendata.stackexchange.com/ is a great place to ask questions\n\n"
            "Open Data Stack Exchange\n\nQ&A for developers and researchers interested in open data");
  EXPECT_TRUE(has(r->has, "link"));
  EXPECT_EQ(r->date, 1433866058);
  EXPECT_EQ(r->url, "https://houstondatavis.slack.com/archives/C061A2UGJ/p1433866058000003");
  EXPECT_TRUE(r->thread.empty());
  EXPECT_FALSE(r->bot);

  r = sink.find("slack:C061A2UGJ/1436568709.000008");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text, "I'm happy to bring drinks - beers & soda");
  EXPECT_EQ(r->author, "Neeraj Tandon");

  r = sink.find("slack:C061A2UGJ/1439245538.000016");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text, "@channel any friendly volunteers to pick up bahn mi for the meetup tonight? ");

  // A legacy file share: the uploader has only a handle.
  r = sink.find("slack:C061A0WJG/1433562832.000005");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->space, "datajam");
  EXPECT_EQ(r->author, "javier");
  EXPECT_EQ(r->text, "@javier uploaded a file: Fritz.jpg\n\nFritz.jpg");
  EXPECT_TRUE(has(r->has, "file"));
  EXPECT_TRUE(has(r->has, "image"));

  // A legacy file comment: no "user", the author is the comment's.
  const Record* comment = nullptr;
  for (const auto& x : sink.records)
    if (x.text.rfind("@Neeraj Tandon commented on U064KUGRJ's file avg_price_by_county_NY-region.png: Tim, this "
                     "looks fantastic",
                     0) == 0)
      comment = &x;
  ASSERT_NE(comment, nullptr);
  EXPECT_EQ(comment->author, "Neeraj Tandon");
  EXPECT_EQ(comment->author_id, "U061A5N1G");
  EXPECT_EQ(comment->mentions, (std::vector<std::string>{"Neeraj Tandon"}));
}

TEST(slack_reader_test, houston_zip_equals_folder) {
  TempDir tmp;
  fs::path zip = tmp.path / "houston.zip";
  test::pack_folder(kHouston, zip, test::Packing::Zip);
  auto reader = reader_for(zip, "");
  EXPECT_EQ(reader->format(), "slack");
  auto from_zip = import(zip);
  auto from_folder = import(kHouston);
  EXPECT_TRUE(from_zip.rejects.empty());
  ASSERT_EQ(from_zip.records.size(), 1031u);
  EXPECT_EQ(sorted_json(from_zip), sorted_json(from_folder));
  EXPECT_EQ(from_zip.skips.size(), from_folder.skips.size());
}

TEST(slack_reader_test, malformed_day_file_rejected_with_position) {
  TempDir tmp;
  fs::path copy = writable_copy(kHouston, tmp.path / "export");
  // Cut general/2015-07-10.json short in its second line: the parser stops at its end.
  fs::path broken = copy / "general" / "2015-07-10.json";
  const size_t in_file = 9;  // the messages of that day, none of them events
  write_file(broken, "[\n  {\"type\": \"message\", \"ts\": ");
  auto sink = import(copy);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].first.file, broken.string());
  EXPECT_EQ(sink.rejects[0].first.line, 2u);
  EXPECT_EQ(sink.rejects[0].first.column, 29u);
  EXPECT_EQ(sink.rejects[0].first.str(), broken.string() + ":2:29");
  EXPECT_NE(sink.rejects[0].second.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(sink.records.size(), 1031u - in_file);

  // A message without ts: that message alone is rejected, by number.
  std::string day = read_file(copy / "tools" / "2015-06-11.json");
  size_t at = day.find("\"ts\":");
  ASSERT_NE(at, std::string::npos);
  day.replace(at, 5, "\"xx\":");
  write_file(copy / "tools" / "2015-06-11.json", day);
  auto sink2 = import(copy);
  ASSERT_EQ(sink2.rejects.size(), 2u);
  EXPECT_EQ(sink2.rejects[1].first.str(), (copy / "tools" / "2015-06-11.json").string() + " (message 1)");
  EXPECT_EQ(sink2.rejects[1].second, "message has no ts");
  EXPECT_EQ(sink2.records.size(), 1031u - in_file - 1);
}

// ---------------------------------------------------------------- julialang (history dump)

TEST(slack_reader_test, julia_history_threads) {
  EXPECT_EQ(reader_for(kJulia, "")->format(), "slack-history");
  auto sink = import(kJulia);
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_EQ(sink.records.size(), 520u);
  EXPECT_EQ(sink.count_kind("message"), 248u);
  EXPECT_EQ(sink.count_kind("reply"), 272u);
  EXPECT_EQ(skip_counts(sink), (std::map<std::string, int>{{"channel_join", 19}, {"channel_purpose", 1},
                                                           {"channel_topic", 2}}));
  std::map<std::string, int> per_space;
  for (const auto& r : sink.records) ++per_space[r.space];
  EXPECT_EQ(per_space, (std::map<std::string, int>{
                           {"distributed", 214}, {"nix", 146}, {"dynamics-bridged", 101}, {"emoji", 59}}));

  // Every record id is unique: a thread file's root and broadcasts are not repeated.
  std::set<std::string> ids;
  for (const auto& r : sink.records) EXPECT_TRUE(ids.insert(r.id).second) << r.id;
  // Every reply's root exists.
  for (const auto& r : sink.records)
    if (r.kind == "reply") {
      EXPECT_EQ(r.parent, r.thread);
      EXPECT_TRUE(ids.count(r.thread)) << r.id;
    }

  // The deleted root keeps its place in the thread, without words.
  const Record* tomb = sink.find("slack:C6E78Q2NT/1612555862.010400");
  ASSERT_NE(tomb, nullptr);
  EXPECT_EQ(tomb->kind, "message");
  EXPECT_EQ(tomb->text, "");
  const Record* reply = sink.find("slack:C6E78Q2NT/1612555935.010500");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->kind, "reply");
  EXPECT_EQ(reply->thread, tomb->id);
  EXPECT_EQ(reply->text, "Wrong channel?");
  EXPECT_EQ(reply->author, "jpsamaroo");
  EXPECT_EQ(reply->author_aliases, (std::vector<std::string>{"Julian Samaroo", "U6A0PD8CR"}));

  // A thread of 20 replies, one of them also sent to the channel, in order.
  const std::string root = "slack:C6E78Q2NT/1616975596.017200";
  // A root whose page says it was answered (reply_count) is marked so; 17 of
  // the 41 roots the replies name do (the others' pages leave the count out).
  std::set<std::string> answered, named;
  for (const auto& r : sink.records) {
    if (r.answered) answered.insert(r.id);
    if (r.kind == "reply") named.insert(r.thread);
  }
  EXPECT_EQ(answered.size(), 17u);
  EXPECT_EQ(named.size(), 41u);
  for (const auto& id : answered) EXPECT_TRUE(named.count(id)) << id;
  EXPECT_TRUE(tomb->answered);
  EXPECT_FALSE(sink.find(root)->answered);
  std::vector<const Record*> thread;
  for (const auto& r : sink.records)
    if (r.thread == root) thread.push_back(&r);
  std::stable_sort(thread.begin(), thread.end(), [](auto* a, auto* b) { return a->id < b->id; });
  ASSERT_EQ(thread.size(), 20u);
  EXPECT_EQ(thread.front()->id, "slack:C6E78Q2NT/1617017950.017800");
  EXPECT_EQ(thread.back()->id, "slack:C6E78Q2NT/1617213207.024300");
  const Record* broadcast = sink.find("slack:C6E78Q2NT/1617175002.019600");
  ASSERT_NE(broadcast, nullptr);
  EXPECT_EQ(broadcast->kind, "reply");
  EXPECT_EQ(broadcast->parent, root);
  EXPECT_EQ(broadcast->space, "distributed");
  EXPECT_TRUE(broadcast->edited);
  EXPECT_EQ(broadcast->updated, 1617175085);

  // Mentions resolved to display names.
  const Record* m = sink.find("slack:C01SM0JR1J7/1616898613.003500");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->text,
            "@ninjin would you want to add a summary of your conversation with @staticfloat and @mose since you "
            "have the better understanding?");
  EXPECT_EQ(m->mentions, (std::vector<std::string>{"ninjin", "staticfloat", "mose"}));
  EXPECT_EQ(m->author, "Colin Summers");
  EXPECT_EQ(m->space_aliases, (std::vector<std::string>{"C01SM0JR1J7", "#nix"}));

  // The bridge bot.
  const Record* bot = sink.find("slack:CBLNLEU74/1611887684.002000");
  ASSERT_NE(bot, nullptr);
  EXPECT_TRUE(bot->bot);
  EXPECT_EQ(bot->author, "[gitter] <mcstorey>");
  EXPECT_EQ(bot->author_id, "B795XHD0X");
  EXPECT_EQ(bot->text, "Thank you for the update @Datseris !");
}

// ---------------------------------------------------------------- every sample

TEST(slack_reader_test, no_raw_markup_in_any_sample) {
  const std::vector<fs::path> samples = {kHouston,
                                         kJulia,
                                         kViewerZip,
                                         kSlackdump / "source_export_dir",
                                         kSlackdump / "source_export.zip",
                                         kZulip / "test_slack_importer"};
  size_t total = 0;
  for (const auto& s : samples) {
    auto sink = import(s);
    total += sink.records.size();
    for (const auto& r : sink.records) {
      for (std::string_view raw : {"<@U", "<#C", "<!", "<@W", "<@B"})
        EXPECT_EQ(r.text.find(raw), std::string::npos) << s << " " << r.id << ": " << r.text;
      EXPECT_EQ(r.source, "slack");
      EXPECT_GT(r.date, 0) << r.id;
    }
  }
  EXPECT_EQ(total, 1031u + 520u + 147u + 15u + 15u + 9u);
}

TEST(slack_reader_test, other_samples_import_without_rejects) {
  auto viewer = import(kViewerZip);
  EXPECT_TRUE(viewer.rejects.empty());
  EXPECT_EQ(viewer.records.size(), 147u);
  EXPECT_EQ(skip_counts(viewer), (std::map<std::string, int>{{"bot_add", 3}, {"channel_join", 8}}));
  size_t bots = 0, enrique = 0;
  for (const auto& r : viewer.records) bots += r.bot, enrique += r.space == "enrique";
  EXPECT_EQ(bots, 94u);
  EXPECT_EQ(enrique, 96u);
  const Record* b = viewer.find("slack:C0JGLMMNX/1454892394.000004");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->bot);
  EXPECT_EQ(b->author, "B0JL6RASU");  // the export names this integration nowhere
  EXPECT_EQ(b->text,
            "[enrique:master] 1 new commit by Anthony Bilinski:\n\n"
            "ed1acbe: executor with simulated annealing rough draft - Anthony Bilinski");
  EXPECT_TRUE(has(b->has, "link"));

  // slackdump: the folder and its zip (with a broken directory date) agree.
  auto dir = import(kSlackdump / "source_export_dir");
  auto zip = import(kSlackdump / "source_export.zip");
  EXPECT_TRUE(dir.rejects.empty());
  EXPECT_TRUE(zip.rejects.empty());
  EXPECT_EQ(dir.records.size(), 15u);
  EXPECT_EQ(dir.count_kind("reply"), 4u);
  EXPECT_EQ(sorted_json(dir), sorted_json(zip));
  EXPECT_EQ(skip_counts(dir), (std::map<std::string, int>{{"channel_join", 1}}));
  const Record* reply = dir.find("slack:CO69735E8A/1736554746.482349");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->thread, "slack:CO69735E8A/1736478630.905399");
  EXPECT_EQ(reply->space, "B75B4C7");
  const Record* tomb = dir.find("slack:CO69735E8A/1736554828.343759");
  ASSERT_NE(tomb, nullptr);
  EXPECT_EQ(tomb->text, "");

  // Metadata-only exports (empty and non-empty lists) import as nothing.
  auto meta = import(kSlackdump / "export");
  EXPECT_TRUE(meta.rejects.empty());
  EXPECT_TRUE(meta.records.empty());
  auto zulip_meta = import(kZulip);
  EXPECT_TRUE(zulip_meta.rejects.empty());
  EXPECT_TRUE(zulip_meta.records.empty());

  // A users.json with a channel folder but no channels.json: ids use the name.
  auto zulip = import(kZulip / "test_slack_importer");
  EXPECT_TRUE(zulip.rejects.empty());
  EXPECT_EQ(zulip.records.size(), 9u);
  EXPECT_EQ(skip_counts(zulip), (std::map<std::string, int>{{"channel_join", 4}}));
  const Record* z = zulip.find("slack:random/1498401071.279035");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->author, "k._");
  EXPECT_EQ(z->text, "edfadfa");
  EXPECT_TRUE(z->url.empty());
}

// Private channels, DMs and group DMs: zulip's metadata names the users of
// the houstondatavis export, so real messages go into those conversations.
TEST(slack_reader_test, private_conversations_get_principals) {
  TempDir tmp;
  fs::path root = tmp.path / "export";
  fs::create_directories(root);
  fs::copy_file(kHouston / "users.json", root / "users.json");
  fs::copy_file(kZulip / "dms.json", root / "dms.json");
  fs::copy_file(kZulip / "mpims.json", root / "mpims.json");
  fs::copy_file(kZulip / "channels.json", root / "groups.json");
  const std::string day = read_file(kHouston / "general" / "2015-07-10.json");
  write_file(root / "DJ47BL849" / "2015-07-10.json", day);                    // a DM, by id
  write_file(root / "DRS3PSLDK" / "2015-07-10.json", day);                    // a DM with oneself
  write_file(root / "mpdm-user9--user2--user10-1" / "2015-07-10.json", day);  // a group DM, by name
  write_file(root / "feedback" / "2015-07-10.json", day);                     // a private channel
  write_file(root / "random" / "2015-06-12.json",
             read_file(kZulip / "exported_messages_fixtures" / "thread_with_broadcast_reply.json"));

  auto sink = import(root);
  EXPECT_TRUE(sink.rejects.empty());
  const std::string ts = "1436568709.000008";
  const Record* dm = sink.find("slack:DJ47BL849/" + ts);
  ASSERT_NE(dm, nullptr);
  EXPECT_EQ(dm->space, "dm:micahstubbs,neerajt");
  EXPECT_EQ(dm->principals, (std::vector<std::string>{"slack:U061A1R2R", "slack:U061A5N1G"}));
  EXPECT_EQ(dm->text, "I'm happy to bring drinks - beers & soda");
  const Record* self = sink.find("slack:DRS3PSLDK/" + ts);
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->space, "dm:timabram");
  EXPECT_EQ(self->principals, (std::vector<std::string>{"slack:U064KUGRJ"}));
  const Record* group = sink.find("slack:G9HBG2A5D/" + ts);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->space, "mpdm:javier,micahstubbs,neerajt,timabram");
  EXPECT_EQ(group->space_aliases, (std::vector<std::string>{"G9HBG2A5D", "mpdm-user9--user2--user10-1"}));
  EXPECT_EQ(group->principals.size(), 4u);
  const Record* priv = sink.find("slack:C061A0HJG/" + ts);
  ASSERT_NE(priv, nullptr);
  EXPECT_EQ(priv->space, "feedback");
  EXPECT_EQ(priv->principals, (std::vector<std::string>{"slack:U061A3E0G"}));

  // The thread fixture: a root, a reply and a reply also sent to the channel.
  const Record* root_msg = sink.find("slack:C061A0WJG/1434139102.000002");
  ASSERT_NE(root_msg, nullptr);
  EXPECT_EQ(root_msg->kind, "message");
  EXPECT_EQ(root_msg->principals, (std::vector<std::string>{"slack:U061A1R2R", "slack:U061A5N1G"}));
  const Record* broadcast = sink.find("slack:C061A0WJG/1434139104.000002");
  ASSERT_NE(broadcast, nullptr);
  EXPECT_EQ(broadcast->kind, "reply");
  EXPECT_EQ(broadcast->thread, root_msg->id);
  EXPECT_EQ(broadcast->text, "everyone should see this");
  EXPECT_EQ(broadcast->author, "Micah Stubbs");
}

// Entries a tree refuses are reported, one reject each, and the rest imports.
TEST(slack_reader_test, refused_entries_are_rejected) {
  TempDir tmp;
  fs::path copy = writable_copy(kSlackdump / "source_export_dir", tmp.path / "export");
  fs::create_symlink("/etc/passwd", copy / "B75B4C7" / "2025-01-30.json");
  auto sink = import(copy);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].first.file, (copy / "B75B4C7" / "2025-01-30.json").string());
  EXPECT_EQ(sink.rejects[0].second, "symbolic link not followed");
  EXPECT_EQ(sink.records.size(), 15u);

  // In a zip: a name that climbs out of the export.
  fs::create_directories(tmp.path / "evil" / "x");
  write_file(tmp.path / "evil" / "x" / "2025-01-30.json", "[]");
  fs::remove(copy / "B75B4C7" / "2025-01-30.json");
  fs::path zip = tmp.path / "export.zip";
  test::pack_folder(copy, zip, test::Packing::Zip);
  test::pack_entries(tmp.path / "climb.zip", test::Packing::Zip,
                    {
             {"users.json", read_file(copy / "users.json")},
             {"channels.json", read_file(copy / "channels.json")},
             {"../B75B4C7/2025-01-10.json", read_file(copy / "B75B4C7" / "2025-01-10.json")},
             {"B75B4C7/2025-01-11.json", read_file(copy / "B75B4C7" / "2025-01-11.json")}});
  auto climbed = import(tmp.path / "climb.zip");
  ASSERT_EQ(climbed.rejects.size(), 1u);
  EXPECT_EQ(climbed.rejects[0].first.file, (tmp.path / "climb.zip").string() + ":../B75B4C7/2025-01-10.json");
  EXPECT_EQ(climbed.rejects[0].second, "name is absolute or climbs out with '..'");
  auto whole = import(zip);
  EXPECT_TRUE(whole.rejects.empty());
  EXPECT_EQ(whole.records.size(), 15u);
  EXPECT_LT(climbed.records.size(), whole.records.size());
  EXPECT_GT(climbed.records.size(), 0u);
}

// An archive's metadata is read by name: the pass ends once the files named
// are read (here before a damaged entry that a whole pass stops at), reads a
// name the archive holds twice twice, and leaves refusals to the listing.
// The listing is made once for every tree of the same unchanged file, and
// made again when the file changes.
TEST(slack_reader_test, an_archive_is_listed_once_and_its_metadata_read_by_name) {
  TempDir tmp;
  const std::string users = read_file(kSlackdump / "source_export_dir" / "users.json"),
                    channels = read_file(kSlackdump / "source_export_dir" / "channels.json"),
                    day = read_file(kSlackdump / "source_export_dir" / "B75B4C7" / "2025-01-10.json");
  const fs::path zip = tmp.path / "export.zip", cut = tmp.path / "cut.zip";
  std::vector<std::pair<std::string, std::string>> entries = {
      {"users.json", users}, {"../evil.json", "[]"}, {"channels.json", channels}, {"channels.json", "[]"}};
  for (int i = 0; i < 40; ++i) entries.emplace_back("B75B4C7/2025-01-" + std::to_string(10 + i % 19) + ".json", day);
  test::pack_entries(zip, test::Packing::Zip, entries);
  // Cut inside the entries after the metadata: no central directory, a last
  // entry short of its data.
  const std::string whole = read_file(zip);
  write_file(cut, whole.substr(0, whole.size() / 2));

  auto damaged = Tree::open(cut, Limits{});
  ASSERT_TRUE(damaged);
  std::vector<std::pair<std::string, size_t>> read;
  damaged->each_named({"channels.json", "users.json", "channels.json"},
                      [&](const std::string& name, std::string&& content) { read.emplace_back(name, content.size()); });
  const std::vector<std::pair<std::string, size_t>> expected = {
      {"users.json", users.size()}, {"channels.json", channels.size()}, {"channels.json", 2}};
  EXPECT_EQ(read, expected);
  EXPECT_TRUE(damaged->refused().empty());  // "../evil.json" is the listing's to refuse
  EXPECT_THROW(Tree::open(cut, Limits{})->each([](std::string_view) { return true; },
                                                [](const std::string&, std::string&&) {}),
               Error);
  // A name the archive lacks: the pass goes on to the end, and meets the
  // damage after reading the others.
  read.clear();
  try {
    Tree::open(cut, Limits{})->each_named({"users.json", "not-there.json"}, [&](const std::string& name, std::string&& content) {
      read.emplace_back(name, content.size());
    });
    ADD_FAILURE() << "a pass for a name the archive lacks reads to the damage";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("archive is damaged after"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read.size(), 1u);

  // Listed once for every tree of the file: the same names and refusals.
  auto first = Tree::open(zip, Limits{}), second = Tree::open(zip, Limits{});
  const auto names = first->names();
  EXPECT_EQ(names.size(), 43u);
  EXPECT_EQ(second->names(), names);
  ASSERT_EQ(second->refused().size(), 1u);
  EXPECT_EQ(second->refused(), first->refused());
  EXPECT_EQ(second->refused()[0].first, "../evil.json");
  // A file that changed is listed again.
  entries.emplace_back("B75B4C7/2025-02-01.json", day);
  test::pack_entries(zip, test::Packing::Zip, entries);
  const auto again = Tree::open(zip, Limits{})->names();
  EXPECT_EQ(again.size(), 44u);
  EXPECT_EQ(again.back(), "B75B4C7/2025-02-01.json");
  // The reader imports the export read this way: every day file, each copy.
  write_file(tmp.path / "one" / "users.json", users);
  write_file(tmp.path / "one" / "channels.json", channels);
  write_file(tmp.path / "one" / "B75B4C7" / "2025-01-10.json", day);
  const size_t per_day = import(tmp.path / "one").records.size();
  ASSERT_GT(per_day, 0u);
  const auto sink = import(zip);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].second, "name is absolute or climbs out with '..'");
  EXPECT_EQ(sink.records.size(), 41 * per_day);
}

// A message whose text is empty is rendered from its Block Kit blocks
// (zulip's captured message, its "text" removed).
TEST(slack_reader_test, blocks_render_when_text_is_empty) {
  rapidjson::Document doc;
  doc.Parse(read_file(kZulip / "exported_messages_fixtures" / "message_with_varying_block_types.json").c_str());
  ASSERT_TRUE(doc.IsObject());
  doc.RemoveMember("text");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  TempDir tmp;
  write_file(tmp.path / "users.json", "[]");
  write_file(tmp.path / "general" / "2026-01-01.json", "[" + std::string(buf.GetString()) + "]");
  auto sink = import(tmp.path);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].text,
            "Hello there, I am a basic rich text block!\n"
            "Hello there, I am a bold rich text block!\n"
            "This is a mrkdwn section block :ghost: *this is bold*, and ~this is crossed out~, and this is a link\n"
            "This is a header block\n"
            "Header 1 | Header 2\n"
            "Datum 1 | Datum 2");
  EXPECT_TRUE(has(sink.records[0].has, "link"));
}

// ---------------------------------------------------------------- detection

TEST(slack_reader_test, sniff_and_forced_format) {
  auto readers = all_readers();
  auto score = [&](std::string_view format, const fs::path& p) {
    for (const auto& r : readers)
      if (r->format() == format) return r->sniff(p);
    return -1;
  };
  EXPECT_GT(score("slack", kHouston), 0);
  EXPECT_GT(score("slack", kViewerZip), 0);
  EXPECT_GT(score("slack", kSlackdump / "source_export.zip"), 0);
  EXPECT_EQ(score("slack", kJulia), 0);
  EXPECT_GT(score("slack-history", kJulia), 0);
  EXPECT_EQ(score("slack-history", kHouston), 0);
  // Not Slack at all.
  EXPECT_EQ(score("slack", realdata("wxr")), 0);
  EXPECT_EQ(score("slack", kHouston / "general" / "2015-07-10.json"), 0);
  EXPECT_EQ(score("slack-history", realdata("wxr")), 0);

  TempDir tmp;
  CollectingSink sink;
  try {
    reader_for(realdata("wxr"), "slack")->read(realdata("wxr"), {}, sink);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Error::Code::Input);
    EXPECT_NE(std::string(e.what()).find("expected a Slack export"), std::string::npos) << e.what();
  }
  try {
    reader_for(kHouston, "slack-history")->read(kHouston, {}, sink);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Error::Code::Input);
    EXPECT_NE(std::string(e.what()).find("expected a Slack history dump"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(sink.records.empty());
}

}  // namespace
}  // namespace lore

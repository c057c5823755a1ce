// Writes a large, deterministic company history as Lore JSON Lines, and a
// file of queries over it, for the HTTP benchmark.
//
//   serve_bench_gen RECORDS OUT.jsonl QUERIES.txt
//
// Words follow a Zipf-like law over a made-up vocabulary, so common words
// match much and rare ones little, as in real text. Conversations, authors,
// spaces, dates and restricted documents are spread the same way every run.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

std::vector<std::string> make_vocabulary(size_t n) {
  static const char* common[] = {"the", "deploy", "freeze", "migration", "database", "release", "review", "incident",
                                 "customer", "invoice", "search", "index", "latency", "outage", "backup", "policy",
                                 "roadmap", "budget", "design", "hiring", "security", "token", "cache", "queue",
                                 "retry", "timeout", "feature", "flag", "rollback", "metrics", "alert", "pager"};
  static const char* onsets[] = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "pl"};
  static const char* vowels[] = {"a", "e", "i", "o", "u", "ai", "ou"};
  std::vector<std::string> v(std::begin(common), std::end(common));
  Rng rng{0x9e3779b97f4a7c15ULL};
  while (v.size() < n) {
    std::string w;
    size_t syllables = 2 + rng.below(2);
    for (size_t i = 0; i < syllables; ++i) w += std::string(onsets[rng.below(18)]) + vowels[rng.below(7)];
    v.push_back(w);
  }
  return v;
}

// Index into a vocabulary of n words, rank r chosen with probability ~1/r.
size_t zipf(Rng& rng, size_t n) {
  double u = rng.uniform();
  return std::min(n - 1, static_cast<size_t>(std::exp(u * std::log(static_cast<double>(n)))) - 1);
}

std::string iso(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: serve_bench_gen RECORDS OUT.jsonl QUERIES.txt\n";
    return 2;
  }
  const size_t records = std::stoul(argv[1]);
  std::ofstream out(argv[2]);
  std::ofstream queries(argv[3]);
  const auto vocab = make_vocabulary(20000);
  Rng rng{42};

  const size_t kAuthors = 400, kChannels = 60, kRepos = 25, kBlogs = 6;
  const int64_t kStart = 1514764800;  // 2018-01-01
  const int64_t kSpan = 7LL * 365 * 86400;
  std::vector<std::string> roots;  // recent conversation roots to reply to
  std::vector<std::string> root_space;

  for (size_t i = 0; i < records; ++i) {
    const int64_t date = kStart + static_cast<int64_t>(static_cast<double>(i) / records * kSpan);
    const size_t author = zipf(rng, kAuthors);
    const int family = static_cast<int>(rng.below(10));  // 0-5 slack, 6-8 github, 9 p2
    std::string source, kind, space, id, thread, title, principals;
    std::string tags;
    const bool reply = !roots.empty() && rng.uniform() < 0.55;
    size_t root_pick = reply ? roots.size() - 1 - rng.below(std::min<size_t>(roots.size(), 200)) : 0;
    if (family <= 5) {
      source = "slack";
      space = reply && roots[root_pick].rfind("slack:", 0) == 0 ? root_space[root_pick]
                                                                 : "chan" + std::to_string(zipf(rng, kChannels));
      id = "slack:" + space + "/" + std::to_string(date) + "." + std::to_string(i);
      kind = "message";
      if (space == "chan7" || space == "chan13") principals = "\"slack:U" + std::to_string(author) + "\"";
    } else if (family <= 8) {
      source = "github";
      space = "acme/repo" + std::to_string(zipf(rng, kRepos));
      id = "github:" + space + "#" + std::to_string(i);
      kind = rng.uniform() < 0.5 ? "issue" : "pull_request";
      if (space == "acme/repo3") principals = "\"github:acme/repo3\"";
    } else {
      source = "p2";
      space = "blog" + std::to_string(rng.below(kBlogs)) + ".acme.example";
      id = "p2:" + space + "/" + std::to_string(i);
      kind = "post";
    }
    if (reply && roots[root_pick].compare(0, source.size() + 1, source + ":") == 0) {
      thread = roots[root_pick];
      space = root_space[root_pick];
      if (source == "slack") id = "slack:" + space + "/" + std::to_string(date) + "." + std::to_string(i);
      if (source == "github") id = thread + "/comment/" + std::to_string(i), kind = "issue_comment";
      if (source == "p2") id = thread + "/comment/" + std::to_string(i), kind = "comment";
      if (source == "slack") kind = "reply";
    } else {
      roots.push_back(id);
      root_space.push_back(space);
      if (roots.size() > 4000) {
        roots.erase(roots.begin(), roots.begin() + 2000);
        root_space.erase(root_space.begin(), root_space.begin() + 2000);
      }
    }
    std::string text;
    const size_t words = 15 + rng.below(70);
    for (size_t w = 0; w < words; ++w) text += (w ? " " : "") + vocab[zipf(rng, vocab.size())];
    if (thread.empty() && source != "slack")
      for (size_t w = 0; w < 4 + rng.below(5); ++w) title += (w ? " " : "") + vocab[zipf(rng, vocab.size())];
    if (source != "slack" && rng.uniform() < 0.5) tags = "\"" + vocab[3 + rng.below(20)] + "\"";

    out << "{\"id\":\"" << id << "\",\"source\":\"" << source << "\",\"kind\":\"" << kind << "\",\"space\":\"" << space
        << "\"";
    if (!thread.empty()) out << ",\"thread\":\"" << thread << "\",\"parent\":\"" << thread << "\"";
    out << ",\"title\":\"" << title << "\",\"author\":\"Person " << author << "\",\"author_id\":\"U" << author
        << "\",\"date\":\"" << iso(date) << "\",\"tags\":[" << tags << "],\"text\":\"" << text << "\"";
    if (!principals.empty()) out << ",\"principals\":[" << principals << "]";
    out << "}\n";
  }

  // Queries people type: one common word, two words, a rarer word, a phrase,
  // and filters; the same list for the HTTP and the in-process runs.
  Rng q{7};
  for (int i = 0; i < 200; ++i) {
    std::string a = vocab[zipf(q, 2000)], b = vocab[zipf(q, 2000)], c = vocab[100 + q.below(5000)];
    switch (i % 8) {
      case 0: queries << a << "\n"; break;
      case 1: queries << a << " " << b << "\n"; break;
      case 2: queries << c << "\n"; break;
      case 3: queries << "\"" << a << " " << b << "\"\n"; break;
      case 4: queries << a << " in:chan" << q.below(20) << "\n"; break;
      case 5: queries << a << " is:pr\n"; break;
      case 6: queries << b << " after:2021-01 from:\"Person " << q.below(50) << "\"\n"; break;
      case 7: queries << a << " OR " << c << " -" << b << "\n"; break;
    }
  }
  return 0;
}

#include <gtest/gtest.h>
#include <fstream>
#include <iostream>
#include <cstdlib>
#include "record_json.h"
#include "test_util.h"

namespace lore {
namespace {
TEST(slack_dump, dump) {
  const char* in = std::getenv("SLACK_DUMP");
  const char* fmt = std::getenv("SLACK_FORMAT");
  if (!in) GTEST_SKIP();
  auto reader = reader_for(in, fmt ? fmt : "");
  std::cerr << "format " << reader->format() << "\n";
  test::CollectingSink sink;
  ReaderOptions o;
  reader->read(in, o, sink);
  std::ofstream out("/tmp/slackwork/dump.jsonl");
  for (auto& r : sink.records) out << record_to_json(r) << "\n";
  for (auto& [p, why] : sink.rejects) std::cerr << "REJECT " << p.str() << ": " << why << "\n";
  std::map<std::string,int> sk; for (auto& s : sink.skips) sk[s]++;
  for (auto& [k,v] : sk) std::cerr << "skip " << k << " " << v << "\n";
  std::cerr << "records " << sink.records.size() << "\n";
}
}
}

// lore-search: the query language of SPEC section 3 from a terminal or a
// script. One printer serves every output format.
#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "database.h"
#include "errors.h"
#include "printer.h"
#include "searcher.h"

namespace lore {
namespace {

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

Sort parse_sort(const std::string& s) {
  if (s == "relevance") return Sort::Relevance;
  if (s == "newest") return Sort::Newest;
  if (s == "oldest") return Sort::Oldest;
  throw Error(Error::Code::Usage, "unknown sort '" + s + "'", "--sort takes relevance, newest or oldest");
}

Group parse_group(const std::string& s) {
  if (s == "thread") return Group::Thread;
  if (s == "none") return Group::None;
  throw Error(Error::Code::Usage, "unknown grouping '" + s + "'", "--group takes thread or none");
}

int main_search(int argc, char** argv) {
  namespace po = boost::program_options;
  cli::CommonOptions common;
  std::string format = "text", sort = "relevance", group = "thread", as, show, thread, similar, color = "auto";
  size_t limit = 10, offset = 0;
  bool count = false, do_export = false, stats = false, explain = false, facets = false, exact_facets = false;
  std::vector<std::string> words;

  po::options_description opts("Options");
  opts.add_options()
      ("limit", po::value(&limit)->value_name("N"), "hits to show (default 10, at most 1000)")
      ("offset", po::value(&offset)->value_name("N"), "hits to skip (default 0)")
      ("sort", po::value(&sort)->value_name("relevance|newest|oldest"), "order of hits (default relevance)")
      ("format", po::value(&format)->value_name("text|json|jsonl|ids"), "output format (default text)")
      ("facets", po::bool_switch(&facets), "count matches by source, kind, space, author, tag and year")
      ("exact-facets", po::bool_switch(&exact_facets), "count facets over every match, however many (else estimated past 5,000 matches)")
      ("group", po::value(&group)->value_name("thread|none"), "one hit per conversation (default) or per document")
      ("count", po::bool_switch(&count), "print the exact number of matching documents")
      ("export", po::bool_switch(&do_export), "print every matching document, whole, as JSON Lines")
      ("show", po::value(&show)->value_name("ID"), "show one document")
      ("thread", po::value(&thread)->value_name("ID"), "show the whole conversation, oldest first")
      ("similar", po::value(&similar)->value_name("ID"), "conversations like this one")
      ("stats", po::bool_switch(&stats), "what the index holds")
      ("explain", po::bool_switch(&explain), "print the parsed query")
      ("as", po::value(&as)->value_name("PRINCIPAL,..."), "show only what these principals may see")
      ("color", po::value(&color)->value_name("auto|always|never"), "bold and colour (default: on a terminal)");
  opts.add(cli::common_options(common));
  po::options_description hidden;
  hidden.add_options()("query", po::value(&words));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("query", -1);
  auto vm = cli::parse(argc, argv, opts, all, pos);

  if (common.help) {
    std::cout << "Usage: lore-search [options] QUERY...\n\n"
                 "Searches the company history Lore has imported.\n\n"
              << opts
              << "\nQuery language: free text (stemmed, all words must match), \"phrases\", -word, NOT, AND, OR,\n"
                 "(parentheses), wild*, and these filters (the same filter twice means either):\n";
    std::cout << "  from: author:   author's name, login or id            from:alice\n"
                 "  in:             channel, owner/repo, repo, P2 site     in:general\n"
                 "  source:         slack, github, p2                      source:github\n"
                 "  type: is:KIND   a kind; is:pr, is:issue                is:pr\n"
                 "  is:STATE        open closed merged resolved unresolved is:open\n"
                 "  is:FLAG         thread reply bot private edited        is:private\n"
                 "  tag: label:     tags and labels                        tag:decision\n"
                 "  has:            link file image code reaction          has:link\n"
                 "  mentions:       documents that mention a person        mentions:alice\n"
                 "  title:          words in titles                        title:roadmap\n"
                 "  thread: id:     one conversation, one document         id:slack:C1/1.2\n"
                 "  after: before: on: during: date:D1..D2                 after:2021-03 date:2020..\n"
                 "  D is YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, or 7d/2w/3m/1y ago; all UTC.\n"
                 "\nExit codes: 0 success, 2 bad usage or unparseable query, 3 database problem.\n";
    return 0;
  }
  if (common.version) {
    std::cout << cli::version_line("lore-search") << "\n";
    return 0;
  }

  Format fmt = parse_format(format);
  Access access = vm.count("as") ? Access::parse(as) : Access::everything();
  bool use_color = color == "always" || (color == "auto" && fmt == Format::Text && isatty(STDOUT_FILENO));
  std::string query = join(words);

  Searcher searcher(resolve_db_path(common.db));
  auto printer = make_printer(fmt, std::cout, use_color);

  if (!show.empty()) {
    auto doc = searcher.document(show, access);
    if (!doc) throw Error(Error::Code::NotFound, "no document " + show, "ids look like slack:C024BE91L/1355517523.000005");
    printer->document(*doc);
    return 0;
  }
  if (!thread.empty()) {
    auto docs = searcher.thread(thread, access);
    if (docs.empty()) throw Error(Error::Code::NotFound, "no document " + thread);
    printer->thread(docs.front().thread_id(), docs);
    return 0;
  }
  if (!similar.empty()) {
    printer->result(searcher.similar(similar, limit, access));
    return 0;
  }
  if (stats) {
    printer->stats(searcher.stats(access));
    return 0;
  }
  if (explain) {
    std::cout << searcher.explain(query, access);
    return 0;
  }
  if (count) {
    printer->count(searcher.count(query, access));
    return 0;
  }
  if (do_export) {
    auto jsonl = make_printer(Format::Jsonl, std::cout);
    searcher.each_match(query, access, [&](const Record& r) { jsonl->document(r); });
    return 0;
  }
  if (query.empty()) throw Error(Error::Code::Usage, "no query given", "usage: lore-search [options] QUERY...");
  SearchRequest req;
  req.query = query;
  req.limit = limit;
  req.offset = offset;
  req.sort = parse_sort(sort);
  req.group = parse_group(group);
  req.facets = facets || exact_facets;
  if (exact_facets) req.exact_facets_up_to = UINT64_MAX;
  req.snippets = fmt == Format::Text || fmt == Format::Json;  // ids and whole documents need none
  req.access = access;
  printer->result(searcher.search(req));
  return 0;
}

}  // namespace
}  // namespace lore

int main(int argc, char** argv) {
  return lore::cli::run("lore-search", [&] { return lore::main_search(argc, argv); });
}

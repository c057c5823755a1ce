// lore-serve: the HTTP API of SPEC section 4 and a search page for people.
// The main thread only waits for signals: SIGHUP re-reads the token file,
// SIGTERM and SIGINT finish the requests in flight and exit 0.
#include <csignal>
#include <iostream>

#include "cli.h"
#include "database.h"
#include "errors.h"
#include "server.h"

namespace lore {
namespace {

int main_serve(int argc, char** argv) {
  namespace po = boost::program_options;
  cli::CommonOptions common;
  ServerOptions options;
  std::string listen = "127.0.0.1:8080";
  bool quiet = false;

  po::options_description opts("Options");
  opts.add_options()
      ("listen", po::value(&listen)->value_name("ADDR:PORT"), "address and port (default 127.0.0.1:8080; port 0: any)")
      ("threads", po::value(&options.threads)->value_name("N"),
       "workers answering requests (default 2); one more thread does the network I/O")
      ("tokens", po::value(&options.tokens_file)->value_name("FILE"),
       "token file: one 'TOKEN PRINCIPAL...' a line, '*' grants everything; re-read on SIGHUP")
      ("max-connections", po::value(&options.max_connections)->value_name("N"), "open connections (default 2048)")
      ("max-connections-per-address", po::value(&options.per_address_connections)->value_name("N"),
       "open connections from one client address (default 64; 0: no cap)")
      ("timeout", po::value(&options.connection_timeout)->value_name("SECONDS"),
       "close a connection idle this long (default 15)")
      ("query-time-limit", po::value(&options.query_time_limit)->value_name("SECONDS"),
       "a search taking longer is answered 503 query_timeout (default 5; 0: none)")
      ("quiet", po::bool_switch(&quiet), "no access log on standard error");
  opts.add(cli::common_options(common));
  po::positional_options_description pos;
  cli::parse(argc, argv, opts, opts, pos);

  if (common.help) {
    std::cout << "Usage: lore-serve [options]\n\n"
                 "Serves the Lore index over HTTP: a search page at / and a JSON API.\n\n"
              << opts
              << "\nAPI (JSON; errors are {\"error\": {\"code\": ..., \"message\": ...}}):\n"
                 "  GET /api/v1/search?q=&limit=&offset=&sort=&facets=1&group=\n"
                 "  GET /api/v1/count?q=\n"
                 "  GET /api/v1/documents/ID       GET /api/v1/threads/ID       GET /api/v1/similar/ID?limit=\n"
                 "  GET /api/v1/stats              GET /healthz\n"
                 "Send 'Authorization: Bearer TOKEN' to see restricted documents the token grants;\n"
                 "without it, public documents only.\n"
                 "\nExit codes: 0 stopped by SIGTERM or SIGINT, 2 bad usage or token file, 3 database problem.\n";
    return 0;
  }
  if (common.version) {
    std::cout << cli::version_line("lore-serve") << "\n";
    return 0;
  }
  auto [address, port] = parse_listen(listen);
  options.address = address;
  options.port = port;
  options.access_log = !quiet;
  options.db = resolve_db_path(common.db);

  // Block the signals before any server thread exists, so that every thread
  // inherits the mask and only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Server server(options);
  server.start();
  std::string host = options.address.find(':') != std::string::npos ? "[" + options.address + "]" : options.address;
  std::cerr << "lore-serve: serving " << options.db << " on http://" << host << ":" << server.port() << "/ with "
            << options.threads << (options.threads == 1 ? " worker" : " workers")
            << (options.tokens_file.empty() ? ", no tokens (public documents only)" : ", tokens from " + options.tokens_file)
            << std::endl;

  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      try {
        server.reload_tokens();
        std::cerr << "lore-serve: re-read " << options.tokens_file << std::endl;
      } catch (const Error& e) {
        std::cerr << "lore-serve: error: " << e.what() << " (keeping the tokens read before)" << std::endl;
      }
      continue;
    }
    std::cerr << "lore-serve: stopping: finishing the requests in flight" << std::endl;
    server.stop();
    return 0;
  }
}

}  // namespace
}  // namespace lore

int main(int argc, char** argv) {
  return lore::cli::run("lore-serve", [&] { return lore::main_serve(argc, argv); });
}

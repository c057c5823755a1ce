// Slow clients for the HTTP benchmark: N connections that send a request
// line and then one header line a second, never finishing, for a fixed time.
// They come from several loopback addresses (127.0.0.2, .3, ...), as many
// clients would, so a per-address cap does not simply refuse them all.
//
//   serve_bench_slowloris PORT CONNECTIONS SECONDS [ADDRESSES]
//
// Prints how many connections were opened and how many the server still
// held open at the end.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: serve_bench_slowloris PORT CONNECTIONS SECONDS [ADDRESSES]\n");
    return 2;
  }
  const int port = std::stoi(argv[1]), n = std::stoi(argv[2]);
  const double seconds = std::stod(argv[3]);
  const int addresses = argc > 4 ? std::stoi(argv[4]) : 20;
  std::vector<int> fds;
  int refused = 0;
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x7f000002 + static_cast<uint32_t>(i % addresses));  // 127.0.0.2...
    bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      ++refused;
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    std::string start = "GET /api/v1/search?q=slow HTTP/1.1\r\nHost: x\r\n";
    if (send(fd, start.data(), start.size(), MSG_NOSIGNAL) < 0) {
      ++refused;
      close(fd);
      continue;
    }
    fds.push_back(fd);
  }
  const size_t opened = fds.size();
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int line = 0;
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::string h = "X-Slow-" + std::to_string(line++) + ": a\r\n";
    for (int& fd : fds) {
      if (fd < 0) continue;
      char buf[512];
      ssize_t r = recv(fd, buf, sizeof buf, 0);  // an answer or a close: the server gave up on us
      if (r == 0 || (r > 0) || send(fd, h.data(), h.size(), MSG_NOSIGNAL) < 0) {
        close(fd);
        fd = -1;
      }
    }
  }
  size_t held = 0;
  for (int fd : fds)
    if (fd >= 0) {
      ++held;
      close(fd);
    }
  std::printf("slow_clients %d opened %zu refused %d held_at_end %zu\n", n, opened, refused, held);
  return 0;
}

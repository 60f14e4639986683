// The benchmark's Falco: a gRPC C++ server built the way Falco 0.43's own gRPC
// server is built (gRPC's asynchronous completion-queue API, gRPC C++ 1.51 as
// in Falco 0.43), so that a client is measured against the pattern of writes
// Falco really produces. Written for this project from the behaviour described
// in shared/spec/falco-alerts.md and packages/client/BENCHMARKS.md; not Falco's
// code.
//
// What it reproduces (each matters to a client's throughput; see BENCHMARKS.md):
// - threading: ONE completion queue for every method and call, served by
//   `threadiness` threads (Falco's grpc.threadiness; 0, the default, is one per
//   CPU); each completion (a call arriving, a read, a write, a finish) is picked
//   up by whichever thread is free, so consecutive writes of one call hop
//   between threads;
// - call slots: threadiness x 10 calls per method are armed in advance; a slot
//   whose call ends is armed again (further calls wait unanswered);
// - the queue holds alert MESSAGES (falco.outputs.response objects, copied in
//   when queued, moved out when popped) and each write serializes its message
//   then, with protobuf's default (non-deterministic) serialization: the
//   output_fields map goes out in the order of protobuf's hash map, not in the
//   order the rule lists the fields;
// - `sub` sends nothing until it reads a request; each completed read or write
//   reads the stop flag, pops ONE alert and writes it (a stop finishes the call
//   with OK and discards the alert just popped); with the queue empty it reads
//   the next request. One write in flight per call: the next alert is popped
//   only when the completion of the previous write has come back through the
//   completion queue;
// - `get` pops and writes the same way until the queue is empty, then ends OK;
// - a call that fails (cancelled, broken, half-closed) is dropped without a
//   status and its slot armed again (a half-closed `sub` gets no answer);
// - default channel arguments (no keepalive, flow-control, buffer or
//   compression settings) and default write options; plaintext HTTP/2 on a
//   unix socket.
// Not kept: Falco's stop waits for open calls without a deadline, this one
// gives them 2 s; TBB's concurrent queue is a mutex and a deque here.
//
// Usage: falco-bench-server SOCKET_PATH TEMPLATES_FILE [THREADINESS]
// TEMPLATES_FILE holds serialized falco.outputs.response messages, each
// preceded by its length as a 4-byte little-endian integer; queued alerts cycle
// through them. Control lines on stdin, one JSON answer line on stdout each:
//   queue N          push N alerts, 1 us apart from now (their time and evt.time)
//                                              -> {"queued":Q}
//   rate R MS        push R alerts/s for MS ms, each stamped with the time it
//                    is pushed (for latency)   -> {"sent":S}
//   stats            -> {"queued":Q,"delivered":D,"calls":C} (C: sub and get calls open)
//   cpu              this process's CPU time   -> {"userUs":U,"systemUs":S}
// End of stdin (or `stop`) stops the server and exits.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "falco/outputs.grpc.pb.h"
#include "falco/version.grpc.pb.h"
#include "slots.h"

namespace {

std::vector<response> load_templates(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "falco-bench-server: cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<response> templates;
  unsigned char len_bytes[4];
  while (in.read(reinterpret_cast<char*>(len_bytes), 4)) {
    uint32_t len = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) |
                   (static_cast<uint32_t>(len_bytes[3]) << 24);
    std::string bytes(len, '\0');
    if (!in.read(bytes.data(), len)) break;
    // Parsing builds output_fields as a protobuf map, entry by entry, as Falco fills it.
    response message;
    if (!message.ParseFromString(bytes)) {
      std::cerr << "falco-bench-server: a template in " << path << " does not parse\n";
      std::exit(2);
    }
    templates.push_back(std::move(message));
  }
  if (templates.empty()) {
    std::cerr << "falco-bench-server: no templates in " << path << "\n";
    std::exit(2);
  }
  return templates;
}

// A copy of `tmpl` that happened at `ns` (epoch nanoseconds): its time, and its
// evt.time output field when it has one. Every alert Falco sends is its own event;
// copies of a few templates would repeat text that never repeats in Falco's stream.
response at_time(const response& tmpl, int64_t ns) {
  response alert(tmpl);
  alert.mutable_time()->set_seconds(ns / 1000000000);
  alert.mutable_time()->set_nanos(static_cast<int32_t>(ns % 1000000000));
  auto& fields = *alert.mutable_output_fields();
  auto evt_time = fields.find("evt.time");
  if (evt_time != fields.end()) evt_time->second = std::to_string(ns);
  return alert;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Pushes `rate` alerts/s for `ms` ms in 1 ms steps, each stamped with the time it
// is pushed; returns how many were pushed.
uint64_t emit_at_rate(const std::vector<response>& templates, uint64_t rate, uint64_t ms) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  uint64_t total = rate * ms / 1000;
  uint64_t sent = 0;
  for (;;) {
    auto elapsed_us =
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start).count();
    uint64_t due = std::min<uint64_t>(total, static_cast<uint64_t>(elapsed_us) * rate / 1000000);
    std::vector<response> batch;
    for (; sent < due; sent++) batch.push_back(at_time(templates[sent % templates.size()], now_ns()));
    if (!batch.empty()) alert_queue.push(std::move(batch));
    if (sent >= total) return sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int threadiness_from(int argc, char** argv) {
  int wanted = argc > 3 ? std::atoi(argv[3]) : 0;
  if (wanted > 0) return wanted;
  unsigned cpus = std::thread::hardware_concurrency();  // Falco's default (threadiness 0)
  return cpus > 0 ? static_cast<int>(cpus) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: falco-bench-server SOCKET_PATH TEMPLATES_FILE [THREADINESS]\n";
    return 2;
  }
  const std::vector<response> templates = load_templates(argv[2]);
  const int threadiness = threadiness_from(argc, argv);
  Services services;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("unix://") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&services.outputs);
  builder.RegisterService(&services.version);
  std::unique_ptr<grpc::ServerCompletionQueue> cq = builder.AddCompletionQueue();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "falco-bench-server: cannot listen on unix://" << argv[1] << "\n";
    return 1;
  }
  services.cq = cq.get();
  // Slots armed in advance: threadiness x 10 per method, as Falco does.
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < threadiness * 10; i++) {
    slots.push_back(std::make_unique<SubSlot>(&services));
    slots.push_back(std::make_unique<GetSlot>(&services));
    slots.push_back(std::make_unique<VersionSlot>(&services));
  }
  for (auto& slot : slots) slot->Arm();
  std::vector<std::thread> threads;
  for (int i = 0; i < threadiness; i++) threads.emplace_back(serve_completions, cq.get());
  std::cout << "{\"ready\":true,\"threadiness\":" << threadiness << "}" << std::endl;

  std::string line;
  uint64_t next = 0;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "queue") {
      uint64_t count = 0;
      words >> count;
      std::vector<response> batch;
      batch.reserve(count);
      const int64_t start = now_ns();  // 1 us apart
      for (uint64_t i = 0; i < count; i++) {
        batch.push_back(at_time(templates[next++ % templates.size()], start + 1000 * i));
      }
      alert_queue.push(std::move(batch));
      std::cout << "{\"queued\":" << alert_queue.size() << "}" << std::endl;
    } else if (command == "rate") {
      uint64_t rate = 0, ms = 0;
      words >> rate >> ms;
      std::cout << "{\"sent\":" << emit_at_rate(templates, rate, ms) << "}" << std::endl;
    } else if (command == "stats") {
      std::cout << "{\"queued\":" << alert_queue.size() << ",\"delivered\":" << delivered.load()
                << ",\"calls\":" << open_calls.load() << "}" << std::endl;
    } else if (command == "cpu") {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::cout << "{\"userUs\":"
                << usage.ru_utime.tv_sec * 1000000LL + usage.ru_utime.tv_usec
                << ",\"systemUs\":"
                << usage.ru_stime.tv_sec * 1000000LL + usage.ru_stime.tv_usec << "}" << std::endl;
    } else if (command == "stop") {
      break;
    } else {
      std::cout << "{\"error\":\"unknown command\"}" << std::endl;
    }
  }
  stopping.store(true);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  cq->Shutdown();
  for (auto& t : threads) t.join();
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
  }
  return 0;
}

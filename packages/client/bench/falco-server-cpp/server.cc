// The benchmark's Falco: a gRPC C++ server (gRPC's C core, as Falco's own
// server) with the semantics of Falco's gRPC output, fast enough that the
// client is what a benchmark measures. Written for this project from the
// behaviour described in shared/spec/falco-alerts.md; not Falco's code.
//
// Semantics kept from Falco:
// - one process-wide destructive queue shared by every call (an alert goes to
//   exactly one consumer, popped before it is written);
// - `sub` sends nothing until it reads a request; per request it pops ONE
//   alert and writes it, and on each write completion checks the stop flag
//   (then ends with OK) before popping the next; with the queue empty it waits
//   for the next request;
// - `get` pops and writes until the queue is empty, then ends with OK;
// - `version` answers with a Falco 0.43-like version;
// - plaintext HTTP/2 on a unix socket; default write options (no coalescing).
// Alerts are queued serialized (Falco serializes each one as it writes it), so
// the server spends its time on the protocol, not on protobuf.
// Not kept (the benchmark does not need them): the fixed pool of sub slots,
// and a half-closed `sub` ends with OK here instead of hanging.
//
// Usage: falco-bench-server SOCKET_PATH TEMPLATES_FILE
// TEMPLATES_FILE holds serialized falco.outputs.response messages, each
// preceded by its length as a 4-byte little-endian integer; queued alerts cycle
// through them. Control lines on stdin, one JSON answer line on stdout each:
//   queue N          push N alerts             -> {"queued":Q}
//   rate R MS        push R alerts/s for MS ms, each stamped with the time it
//                    is pushed (for latency)   -> {"sent":S}
//   stats            -> {"queued":Q,"delivered":D,"calls":C} (C: sub and get calls open)
//   cpu              this process's CPU time   -> {"userUs":U,"systemUs":S}
// End of stdin (or `stop`) stops the server (calls still open are given 2 s,
// unlike Falco, which waits for them without a deadline) and exits.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "falco/outputs.grpc.pb.h"
#include "falco/version.grpc.pb.h"

namespace {

using Alert = grpc::Slice;  // a serialized falco.outputs.response (reference-counted)

class AlertQueue {
 public:
  void push(std::vector<Alert>&& batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& a : batch) items_.push_back(std::move(a));
  }
  bool pop(Alert& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    return true;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

 private:
  std::mutex mutex_;
  std::deque<Alert> items_;
};

AlertQueue queue;
std::atomic<bool> stopping{false};
std::atomic<uint64_t> delivered{0};
std::atomic<int64_t> open_calls{0};  // sub and get calls not yet done

// sub: read a request, then pop one / write one until the queue is empty.
class SubCall : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  SubCall() {
    open_calls++;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // cancelled or half-closed: nothing is popped
      Finish(grpc::Status::OK);
      return;
    }
    Next();
  }

  void OnWriteDone(bool ok) override {
    current_.Clear();
    if (!ok) {  // the stream broke: the alert popped for it is lost, as in Falco
      Finish(grpc::Status::OK);
      return;
    }
    delivered.fetch_add(1, std::memory_order_relaxed);
    if (stopping.load()) {
      Finish(grpc::Status::OK);
      return;
    }
    Next();
  }

  void OnDone() override {
    open_calls--;
    delete this;
  }

 private:
  void Next() {
    Alert alert;
    if (queue.pop(alert)) {
      current_ = grpc::ByteBuffer(&alert, 1);
      StartWrite(&current_);
    } else {
      StartRead(&request_);
    }
  }

  grpc::ByteBuffer request_;
  grpc::ByteBuffer current_;
};

// get: pop one / write one until the queue is empty, then OK.
class GetCall : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  GetCall() {
    open_calls++;
    Next();
  }

  void OnWriteDone(bool ok) override {
    current_.Clear();
    if (!ok || stopping.load()) {
      Finish(grpc::Status::OK);
      return;
    }
    delivered.fetch_add(1, std::memory_order_relaxed);
    Next();
  }

  void OnDone() override {
    open_calls--;
    delete this;
  }

 private:
  void Next() {
    Alert alert;
    if (queue.pop(alert)) {
      current_ = grpc::ByteBuffer(&alert, 1);
      StartWrite(&current_);
    } else {
      Finish(grpc::Status::OK);
    }
  }

  grpc::ByteBuffer current_;
};

// Both methods take and write bytes (gRPC's raw callback API): requests are
// ignored, as Falco ignores their content.
using RawOutputs = falco::outputs::service::WithRawCallbackMethod_sub<
    falco::outputs::service::WithRawCallbackMethod_get<falco::outputs::service::Service>>;

class Outputs final : public RawOutputs {
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* sub(
      grpc::CallbackServerContext*) override {
    return new SubCall();
  }
  grpc::ServerWriteReactor<grpc::ByteBuffer>* get(grpc::CallbackServerContext*,
                                                  const grpc::ByteBuffer*) override {
    return new GetCall();
  }
};

class Version final : public falco::version::service::CallbackService {
  grpc::ServerUnaryReactor* version(grpc::CallbackServerContext* context,
                                    const falco::version::request*,
                                    falco::version::response* answer) override {
    answer->set_version("0.43.1");
    answer->set_major(0);
    answer->set_minor(43);
    answer->set_patch(1);
    answer->set_engine_major(0);
    answer->set_engine_minor(55);
    answer->set_engine_patch(0);
    answer->set_engine_version("0.55.0");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

using Template = std::shared_ptr<const falco::outputs::response>;

std::vector<Template> load_templates(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "falco-bench-server: cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<Template> templates;
  unsigned char len_bytes[4];
  while (in.read(reinterpret_cast<char*>(len_bytes), 4)) {
    uint32_t len = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) |
                   (static_cast<uint32_t>(len_bytes[3]) << 24);
    std::string bytes(len, '\0');
    if (!in.read(bytes.data(), len)) break;
    auto message = std::make_shared<falco::outputs::response>();
    if (!message->ParseFromString(bytes)) {
      std::cerr << "falco-bench-server: a template in " << path << " does not parse\n";
      std::exit(2);
    }
    templates.push_back(message);
  }
  if (templates.empty()) {
    std::cerr << "falco-bench-server: no templates in " << path << "\n";
    std::exit(2);
  }
  return templates;
}

Alert serialized(const falco::outputs::response& message) {
  return grpc::Slice(message.SerializeAsString());
}

Alert stamped(const Template& tmpl) {
  falco::outputs::response copy(*tmpl);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  copy.mutable_time()->set_seconds(ns / 1000000000);
  copy.mutable_time()->set_nanos(static_cast<int32_t>(ns % 1000000000));
  return serialized(copy);
}

// Pushes `rate` alerts/s for `ms` ms in 1 ms steps; returns how many were pushed.
uint64_t emit_at_rate(const std::vector<Template>& templates, uint64_t rate, uint64_t ms) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  uint64_t total = rate * ms / 1000;
  uint64_t sent = 0;
  for (;;) {
    auto elapsed_us =
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start).count();
    uint64_t due = std::min<uint64_t>(total, static_cast<uint64_t>(elapsed_us) * rate / 1000000);
    std::vector<Alert> batch;
    for (; sent < due; sent++) batch.push_back(stamped(templates[sent % templates.size()]));
    if (!batch.empty()) queue.push(std::move(batch));
    if (sent >= total) return sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: falco-bench-server SOCKET_PATH TEMPLATES_FILE\n";
    return 2;
  }
  const std::vector<Template> templates = load_templates(argv[2]);
  std::vector<Alert> serialized_templates;
  for (const auto& t : templates) serialized_templates.push_back(serialized(*t));
  Outputs outputs;
  Version version;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("unix://") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&outputs);
  builder.RegisterService(&version);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "falco-bench-server: cannot listen on unix://" << argv[1] << "\n";
    return 1;
  }
  std::cout << "{\"ready\":true}" << std::endl;

  std::string line;
  uint64_t next = 0;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "queue") {
      uint64_t count = 0;
      words >> count;
      std::vector<Alert> batch;
      batch.reserve(count);
      for (uint64_t i = 0; i < count; i++) {
        batch.push_back(serialized_templates[next++ % serialized_templates.size()]);
      }
      queue.push(std::move(batch));
      std::cout << "{\"queued\":" << queue.size() << "}" << std::endl;
    } else if (command == "rate") {
      uint64_t rate = 0, ms = 0;
      words >> rate >> ms;
      std::cout << "{\"sent\":" << emit_at_rate(templates, rate, ms) << "}" << std::endl;
    } else if (command == "stats") {
      std::cout << "{\"queued\":" << queue.size() << ",\"delivered\":" << delivered.load()
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
  return 0;
}

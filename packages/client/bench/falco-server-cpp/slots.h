// The benchmark server's alert queue and call slots: one slot serves one call
// at a time on the shared completion queue, and is armed again when its call
// ends (see server.cc for the behaviour they reproduce).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "falco/outputs.grpc.pb.h"
#include "falco/version.grpc.pb.h"

using response = falco::outputs::response;

// One process-wide destructive queue of alert messages, shared by every call.
class AlertQueue {
 public:
  void push(std::vector<response>&& batch);
  bool try_pop(response& out);
  size_t size();

 private:
  std::mutex mutex_;
  std::deque<response> items_;
};

extern AlertQueue alert_queue;
extern std::atomic<bool> stopping;
extern std::atomic<uint64_t> delivered;
extern std::atomic<int64_t> open_calls;  // sub and get calls not yet done

struct Services {
  falco::outputs::service::AsyncService outputs;
  falco::version::service::AsyncService version;
  grpc::ServerCompletionQueue* cq = nullptr;
};

// A slot is the tag of every operation of its call on the completion queue.
class Slot {
 public:
  explicit Slot(Services* services) : services_(services) {}
  virtual ~Slot() = default;
  // Asks gRPC for the next call of this slot's method.
  virtual void Arm() = 0;
  // The operation this slot waited for completed (`ok` false: it failed).
  virtual void Completed(bool ok) = 0;

 protected:
  Services* services_;
  std::unique_ptr<grpc::ServerContext> context_;
};

class SubSlot final : public Slot {
 public:
  using Slot::Slot;
  void Arm() override;
  void Completed(bool ok) override;

 private:
  enum class Step { kWaitingForCall, kStreaming, kFinishing };
  void Drop();
  Step step_ = Step::kWaitingForCall;
  std::unique_ptr<grpc::ServerAsyncReaderWriter<response, falco::outputs::request>> stream_;
  falco::outputs::request request_;
};

class GetSlot final : public Slot {
 public:
  using Slot::Slot;
  void Arm() override;
  void Completed(bool ok) override;

 private:
  enum class Step { kWaitingForCall, kStreaming, kFinishing };
  void Drop();
  Step step_ = Step::kWaitingForCall;
  std::unique_ptr<grpc::ServerAsyncWriter<response>> writer_;
  falco::outputs::request request_;
};

class VersionSlot final : public Slot {
 public:
  using Slot::Slot;
  void Arm() override;
  void Completed(bool ok) override;

 private:
  bool answering_ = false;
  std::unique_ptr<grpc::ServerAsyncResponseWriter<falco::version::response>> writer_;
  falco::version::request request_;
};

// One serving thread: takes completions off the queue until it shuts down.
void serve_completions(grpc::ServerCompletionQueue* cq);

// The call slots of the benchmark server (see slots.h and server.cc).
#include "slots.h"

AlertQueue alert_queue;
std::atomic<bool> stopping{false};
std::atomic<uint64_t> delivered{0};
std::atomic<int64_t> open_calls{0};

void AlertQueue::push(std::vector<response>&& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& a : batch) items_.push_back(std::move(a));
}

bool AlertQueue::try_pop(response& out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (items_.empty()) return false;
  out = std::move(items_.front());
  items_.pop_front();
  return true;
}

size_t AlertQueue::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return items_.size();
}

// sub ----------------------------------------------------------------------

void SubSlot::Arm() {
  if (stopping.load()) return;  // the server is shutting down: no new calls
  context_ = std::make_unique<grpc::ServerContext>();
  stream_ = std::make_unique<grpc::ServerAsyncReaderWriter<response, falco::outputs::request>>(
      context_.get());
  step_ = Step::kWaitingForCall;
  services_->outputs.Requestsub(context_.get(), stream_.get(), services_->cq, services_->cq,
                                this);
}

void SubSlot::Completed(bool ok) {
  if (!ok) {
    // Waiting for a call: the server is shutting down. Otherwise the call broke,
    // was cancelled or half-closed: dropped without a status (an alert whose write
    // failed is lost).
    if (step_ != Step::kWaitingForCall) Drop();
    return;
  }
  switch (step_) {
    case Step::kWaitingForCall:
      open_calls++;
      step_ = Step::kStreaming;
      stream_->Read(&request_, this);  // nothing is sent before a request
      return;
    case Step::kStreaming: {
      // A request was read or an alert written. The stop flag is read, then one
      // alert popped, then the flag acted on (the alert just popped is discarded).
      const bool running = !stopping.load();
      response alert;
      const bool popped = alert_queue.try_pop(alert);
      if (!running) {
        step_ = Step::kFinishing;
        stream_->Finish(grpc::Status::OK, this);
      } else if (popped) {
        delivered.fetch_add(1, std::memory_order_relaxed);
        stream_->Write(alert, this);  // serialized here; the next pop waits for its completion
      } else {
        stream_->Read(&request_, this);  // the queue is empty: wait for the next poll
      }
      return;
    }
    case Step::kFinishing:
      Drop();
      return;
  }
}

void SubSlot::Drop() {
  open_calls--;
  Arm();
}

// get ----------------------------------------------------------------------

void GetSlot::Arm() {
  if (stopping.load()) return;
  context_ = std::make_unique<grpc::ServerContext>();
  writer_ = std::make_unique<grpc::ServerAsyncWriter<response>>(context_.get());
  step_ = Step::kWaitingForCall;
  services_->outputs.Requestget(context_.get(), &request_, writer_.get(), services_->cq,
                                services_->cq, this);
}

void GetSlot::Completed(bool ok) {
  if (!ok) {
    if (step_ != Step::kWaitingForCall) Drop();
    return;
  }
  if (step_ == Step::kFinishing) {
    Drop();
    return;
  }
  if (step_ == Step::kWaitingForCall) {
    open_calls++;
    step_ = Step::kStreaming;
  }
  // The call arrived or an alert was written: pop the next, or end with OK.
  const bool running = !stopping.load();
  response alert;
  const bool popped = alert_queue.try_pop(alert);
  if (running && popped) {
    delivered.fetch_add(1, std::memory_order_relaxed);
    writer_->Write(alert, this);
    return;
  }
  step_ = Step::kFinishing;
  writer_->Finish(grpc::Status::OK, this);
}

void GetSlot::Drop() {
  open_calls--;
  Arm();
}

// version ------------------------------------------------------------------

void VersionSlot::Arm() {
  if (stopping.load()) return;
  context_ = std::make_unique<grpc::ServerContext>();
  writer_ =
      std::make_unique<grpc::ServerAsyncResponseWriter<falco::version::response>>(context_.get());
  answering_ = false;
  services_->version.Requestversion(context_.get(), &request_, writer_.get(), services_->cq,
                                    services_->cq, this);
}

void VersionSlot::Completed(bool ok) {
  if (!ok && !answering_) return;
  if (answering_) {  // the answer went out (or failed): take the next call
    Arm();
    return;
  }
  falco::version::response answer;
  answer.set_version("0.43.1");
  answer.set_major(0);
  answer.set_minor(43);
  answer.set_patch(1);
  answer.set_engine_major(0);
  answer.set_engine_minor(55);
  answer.set_engine_patch(0);
  answer.set_engine_version("0.55.0");
  answering_ = true;
  writer_->Finish(answer, grpc::Status::OK, this);
}

void serve_completions(grpc::ServerCompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    if (tag != nullptr) static_cast<Slot*>(tag)->Completed(ok);
  }
}

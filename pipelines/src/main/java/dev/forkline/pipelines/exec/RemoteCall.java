package dev.forkline.pipelines.exec;

import dev.forkline.workers.kernel.Kernels;

/**
 * A call whose work is a CPU kernel that can run in a worker process: the element is turned into a
 * request, the kernel named {@link #kernel()} turns the request into a reply, and the reply is
 * merged back into a result. With the {@code processes} executor the kernel runs in a worker JVM
 * ({@link ProcessPool}); with {@code threads} or {@code inline} the same kernel runs in this JVM,
 * so one call object serves every executor. A kernel object is shared by the threads of a JVM, so a
 * kernel keeps no per-task state in fields.
 */
public interface RemoteCall<I, O> extends BlockingCall<I, O> {
  /** The name of the kernel (see {@code dev.forkline.workers.kernel.Kernels}). */
  String kernel();

  /** The request the kernel gets for this element. */
  byte[] request(I input) throws Exception;

  /** The result for this element, given the kernel's reply. */
  O response(I input, byte[] reply) throws Exception;

  /**
   * The result for this element, given the kernel's reply and where it ran: {@code "worker 3 (pid
   * 4242)"} in a process pool, {@link #IN_PROCESS} in this JVM. Override to record it.
   */
  default O response(I input, byte[] reply, String worker) throws Exception {
    return response(input, reply);
  }

  /** The {@code worker} of a kernel that ran in the pipeline's own JVM. */
  String IN_PROCESS = "in-process";

  /** Runs the kernel in this JVM. */
  @Override
  default O call(I input, Attempt attempt) throws Exception {
    return response(input, Kernels.get(kernel()).apply(request(input)), IN_PROCESS);
  }
}

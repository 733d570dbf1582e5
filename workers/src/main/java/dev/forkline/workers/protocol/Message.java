package dev.forkline.workers.protocol;

import java.util.Objects;

/** What travels between a pool and its workers: one message per frame (see {@link Frames}). */
public sealed interface Message permits Message.Hello, Message.Request, Message.Response {

  /** The first frame of a worker: who it is. */
  record Hello(int version, int workerId, long pid) implements Message {}

  /** A task: run {@code kernel} on {@code payload}; answered by exactly one response of its id. */
  record Request(long id, String kernel, byte[] payload) implements Message {
    public Request {
      Objects.requireNonNull(kernel, "kernel");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * The answer to the request of the same id: a payload, or the kernel's exception (class, message,
   * stack trace). {@code workerNanos} is the time the worker spent on the task.
   */
  record Response(
      long id,
      long workerNanos,
      byte[] payload,
      String errorClass,
      String errorMessage,
      String stackTrace)
      implements Message {

    public static Response ok(long id, long workerNanos, byte[] payload) {
      return new Response(id, workerNanos, Objects.requireNonNull(payload), null, null, null);
    }

    public static Response error(long id, long workerNanos, Throwable error) {
      return new Response(
          id,
          workerNanos,
          null,
          error.getClass().getName(),
          error.getMessage(),
          Frames.stackTrace(error));
    }

    public boolean ok() {
      return errorClass == null;
    }
  }
}

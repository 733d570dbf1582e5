package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dispatch and answers on workers that are only objects: no process, no socket. */
class DispatcherTest {

  private final PoolLock lock = new PoolLock();
  private final Counts counts = new Counts();
  private final List<Worker> workers = new ArrayList<>();

  private Dispatcher dispatcher(PoolSpec.Builder spec) {
    return new Dispatcher(spec.build(), lock, counts, workers);
  }

  private Worker ready(int id) {
    Worker worker = new Worker(id, Path.of("/nonexistent/worker-" + id + ".log"));
    worker.state = Worker.State.READY;
    workers.add(worker);
    return worker;
  }

  private static Task task(String text) {
    return new Task("test.echo", text.getBytes(), System.nanoTime());
  }

  private static List<Long> requestIds(Worker worker) {
    List<Long> ids = new ArrayList<>();
    for (Object item : worker.outbox) {
      ids.add(((Message.Request) item).id());
    }
    return ids;
  }

  @Test
  void tasksGoToTheLeastBusyWorkerWithinItsWindowAndTheRestWait() {
    Worker a = ready(0);
    Worker b = ready(1);
    Dispatcher dispatcher = dispatcher(PoolSpec.builder("test.echo").withWindow(2));
    lock.lock();
    try {
      for (int i = 0; i < 5; i++) {
        dispatcher.enqueue(task("t" + i));
      }
      assertEquals(List.of(1L, 3L), requestIds(a));
      assertEquals(List.of(2L, 4L), requestIds(b));
      assertEquals(5, dispatcher.tasksInPool(), "one still queued");
    } finally {
      lock.unlockAndRun();
    }
  }

  @Test
  void anAnswerCompletesTheRunningTaskAndMakesRoomForTheNext() throws Exception {
    Worker a = ready(0);
    Dispatcher dispatcher = dispatcher(PoolSpec.builder("test.echo").withWindow(1));
    Task first = task("first");
    lock.lock();
    try {
      dispatcher.enqueue(first);
      dispatcher.enqueue(task("second"));
      assertEquals(List.of(1L), requestIds(a));
      dispatcher.answered(a, Message.Response.ok(1, 2_000_000, "done".getBytes()));
      assertFalse(first.future.isDone(), "completed only once the lock is released");
    } finally {
      lock.unlockAndRun();
    }
    TaskResult result = first.future.getNow(null);
    assertTrue(result.ok(), result.toString());
    assertEquals(2000, result.workerMicros());
    assertEquals(1, result.attempts());
    assertEquals(List.of(1L, 2L), requestIds(a));
    assertEquals(1, a.done);
    assertEquals(1, counts.ok.get());
  }

  @Test
  void anAnswerToAnotherTaskBreaksTheConnection() {
    Worker a = ready(0);
    Dispatcher dispatcher = dispatcher(PoolSpec.builder("test.echo"));
    lock.lock();
    try {
      dispatcher.enqueue(task("x"));
      IOException e =
          assertThrows(
              IOException.class,
              () -> dispatcher.answered(a, Message.Response.ok(9, 0, new byte[0])));
      assertEquals("response 9 does not answer the running task 1", e.getMessage());
    } finally {
      lock.unlockAndRun();
    }
  }

  @Test
  void aKernelExceptionIsRetriedAtTheHeadOfTheQueueWhileItsBudgetLasts() throws Exception {
    Worker a = ready(0);
    Dispatcher dispatcher =
        dispatcher(PoolSpec.builder("test.echo").withWindow(1).withTaskErrorRetries(1));
    Task task = task("x");
    Message.Response error = Message.Response.error(0, 0, new IllegalStateException("boom"));
    lock.lock();
    try {
      dispatcher.enqueue(task);
      dispatcher.enqueue(task("behind"));
      dispatcher.answered(a, withId(error, 1));
      assertEquals(List.of(1L, 2L), requestIds(a));
      assertSame(task, a.inFlight.peekFirst(), "the retry goes before the task behind");
      dispatcher.answered(a, withId(error, 2));
    } finally {
      lock.unlockAndRun();
    }
    TaskResult result = task.future.getNow(null);
    assertEquals(TaskResult.TASK_ERROR, result.kind());
    assertEquals("java.lang.IllegalStateException: boom", result.message());
    assertEquals(2, result.attempts());
    assertEquals(1, counts.retries.get());
  }

  @Test
  void aWorkerRetiresAfterMaxTasksAndStopsOnceItHasAnsweredThem() throws Exception {
    Worker a = ready(0);
    Dispatcher dispatcher =
        dispatcher(PoolSpec.builder("test.echo").withWindow(4).withMaxTasksPerWorker(2));
    lock.lock();
    try {
      for (int i = 0; i < 3; i++) {
        dispatcher.enqueue(task("t" + i));
      }
      assertSame(Worker.State.RETIRING, a.state);
      assertEquals(2, a.inFlight.size(), "the third waits for a replacement");
      dispatcher.answered(a, Message.Response.ok(1, 0, new byte[0]));
      assertFalse(a.retired);
      dispatcher.answered(a, Message.Response.ok(2, 0, new byte[0]));
      assertTrue(a.retired);
      assertTrue(a.outbox.contains(Worker.STOP));
      assertEquals(1, dispatcher.tasksInPool());
    } finally {
      lock.unlockAndRun();
    }
  }

  private static Message.Response withId(Message.Response r, long id) {
    return new Message.Response(
        id, r.workerNanos(), r.payload(), r.errorClass(), r.errorMessage(), r.stackTrace());
  }
}

package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each factory fills the fields of its kind and no others. */
class TaskResultTest {

  @Test
  void okCarriesThePayloadAndWhereItRan() {
    TaskResult result = TaskResult.ok(new byte[] {1, 2}, 3, 4242, 2, 150, 900);
    assertTrue(result.ok());
    assertEquals(2, result.payload().length);
    assertNull(result.message());
    assertEquals(3, result.workerId());
    assertEquals(4242, result.pid());
    assertEquals(2, result.attempts());
    assertEquals(150, result.workerMicros());
    assertEquals(900, result.totalMicros());
    assertNull(result.exitCode());
  }

  @Test
  void aTaskErrorsMessageIsTheExceptionsClassAndMessage() {
    TaskResult result =
        TaskResult.taskError("java.io.IOException", "bad", "at x", 1, 7, "tail", 1, 5, 9);
    assertEquals(TaskResult.TASK_ERROR, result.kind());
    assertEquals("java.io.IOException: bad", result.message());
    assertEquals("java.io.IOException", result.errorClass());
    assertEquals("at x", result.remoteStackTrace());
    assertEquals("tail", result.stderrTail());
    assertNull(result.payload());
    assertNull(result.exitCode());
    TaskResult bare =
        TaskResult.taskError("java.lang.NullPointerException", null, "", 1, 7, "", 1, 0, 0);
    assertEquals("java.lang.NullPointerException", bare.message());
  }

  @Test
  void aDeathCarriesTheExit() {
    TaskResult result =
        TaskResult.death(
            TaskResult.CRASH, "died", 2, 99, 137, "signal 9 (SIGKILL)", "t", 2, 10, 20);
    assertEquals(TaskResult.CRASH, result.kind());
    assertFalse(result.ok());
    assertEquals(137, result.exitCode());
    assertEquals("signal 9 (SIGKILL)", result.exitDescription());
    assertNull(result.errorClass());
    assertEquals(
        "TaskResult[crash: died, worker 2 (pid 99), signal 9 (SIGKILL), attempts 2]",
        result.toString());
  }

  @Test
  void aFailureWithoutAWorkerHasNone() {
    TaskResult result = TaskResult.failure(TaskResult.POOL_CLOSED, "closed", 1, 33);
    assertEquals(-1, result.workerId());
    assertEquals(-1, result.pid());
    assertEquals(1, result.attempts());
    assertEquals(0, result.workerMicros());
    assertEquals(33, result.totalMicros());
    assertThrows(IllegalArgumentException.class, () -> TaskResult.failure(TaskResult.OK, "x"));
  }
}

package dev.forkline.pipelines.exec;

/** An element for the tests of stage chains and their sinks: an id, a value, an outcome. */
public final class TestItem implements Tracked<TestItem> {
  private static final long serialVersionUID = 1L;
  public final String id;
  public String value;
  public Failure failure;

  public TestItem(String id) {
    this.id = id;
  }

  @Override
  public TestItem copy() {
    TestItem c = new TestItem(id);
    c.value = value;
    c.failure = failure;
    return c;
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public void fail(Failure failure) {
    this.failure = failure;
  }

  @Override
  public void addStageMillis(String stage, long millis) {}
}

package dev.forkline.workers.kernel;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The kernels registered on this JVM's classpath, by name; loaded once, on first use. */
public final class Kernels {

  private Kernels() {}

  private static final class Registry {
    static final Map<String, Kernel> BY_NAME = load();

    private static Map<String, Kernel> load() {
      Map<String, Kernel> byName = new TreeMap<>();
      for (Kernel kernel : ServiceLoader.load(Kernel.class, Kernel.class.getClassLoader())) {
        Kernel previous = byName.putIfAbsent(kernel.name(), kernel);
        if (previous != null) {
          throw new IllegalStateException(
              "two kernels are named '"
                  + kernel.name()
                  + "': "
                  + previous.getClass().getName()
                  + " and "
                  + kernel.getClass().getName());
        }
      }
      return Collections.unmodifiableMap(byName);
    }
  }

  /**
   * The kernel of that name.
   *
   * @throws IllegalArgumentException if no kernel of that name is registered; the message lists the
   *     known names
   */
  public static Kernel get(String name) {
    Kernel kernel = Registry.BY_NAME.get(name);
    if (kernel == null) {
      throw new IllegalArgumentException(
          "unknown kernel '" + name + "'; known kernels: " + String.join(", ", names()));
    }
    return kernel;
  }

  /** The names of all registered kernels, sorted. */
  public static Set<String> names() {
    return Registry.BY_NAME.keySet();
  }
}

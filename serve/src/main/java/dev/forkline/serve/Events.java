package dev.forkline.serve;

import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The Server-Sent Events clients watching each job, and what is sent to them. */
final class Events {
  private final Map<Long, List<SseClient>> watchers = new ConcurrentHashMap<>();

  void watch(long job, SseClient client) {
    List<SseClient> clients = watchers.computeIfAbsent(job, id -> new CopyOnWriteArrayList<>());
    clients.add(client);
    client.onClose(() -> clients.remove(client));
  }

  /** Sends an event to the job's watchers; {@code end} closes them after it. */
  void send(long job, String event, String json, boolean end) {
    List<SseClient> clients = watchers.get(job);
    if (clients == null) {
      return;
    }
    for (SseClient client : clients) {
      try {
        client.sendEvent(event, json);
        if (end) {
          client.close();
        }
      } catch (RuntimeException e) {
        clients.remove(client); // gone
      }
    }
    if (end) {
      watchers.remove(job);
    }
  }

  /** Closes every watcher: the service is stopping. */
  void closeAll() {
    for (List<SseClient> clients : watchers.values()) {
      for (SseClient client : clients) {
        try {
          client.close();
        } catch (RuntimeException e) {
          // gone
        }
      }
    }
    watchers.clear();
  }
}

package dev.bluechipws.bridge;

import dev.bluechipws.bridge.model.FlowProgressNotification;

/** Receives the {@code flow.progress} notifications of one call (started, proceed), on the reader thread. */
@FunctionalInterface
public interface ProgressListener {
  void onProgress(FlowProgressNotification progress);
}

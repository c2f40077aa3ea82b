package io.pubsubgateway.bench;

import java.nio.file.Path;

/** What every scenario needs: the jar the processes run, a work folder for logs, the progress lines. */
abstract class ScenarioBase {
  protected final Path jar;
  protected final Path workDir;
  protected final Progress progress;

  ScenarioBase(Path jar, Path workDir, Progress progress) {
    this.jar = jar;
    this.workDir = workDir;
    this.progress = progress;
  }
}

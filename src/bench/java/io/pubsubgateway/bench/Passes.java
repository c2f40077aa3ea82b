package io.pubsubgateway.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of the measurements of a run with several passes: interleaved across systems (pass 1 of every system,
 * then pass 2 of every system, ...), so that a slow drift of the machine hits every system alike.
 */
final class Passes {
  /** One measurement: pass number (from 1) and the index of the system in the list asked for. */
  record Slot(int pass, int system) {
  }

  private Passes() {
  }

  static List<Slot> order(int systems, int passes) {
    List<Slot> out = new ArrayList<>();
    for (int p = 1; p <= passes; p++) {
      for (int s = 0; s < systems; s++) {
        out.add(new Slot(p, s));
      }
    }
    return out;
  }
}

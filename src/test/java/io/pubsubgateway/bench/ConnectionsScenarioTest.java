package io.pubsubgateway.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionsScenarioTest {
  @Test
  void heapUsedOfParallelGc() {
    String info = """
      12345:
       PSYoungGen      total 305664K, used 5243K [0x00000000eab00000, 0x0000000100000000, 0x0000000100000000)
        eden space 262144K, 2% used [0x00000000eab00000,0x00000000eb01ed60,0x00000000fab00000)
       ParOldGen       total 699392K, used 12000K [0x00000000c0000000, 0x00000000eab00000, 0x00000000eab00000)
       Metaspace       used 35000K, committed 35500K, reserved 1114112K
        class space    used 4000K, committed 4200K, reserved 1048576K
      """;
    assertEquals(17243, ConnectionsScenario.heapUsedKib(info));
  }

  @Test
  void heapUsedOfG1() {
    String info = """
      777:
       garbage-first heap   total 1048576K, used 23456K [0x00000000c0000000, 0x0000000100000000)
        region size 1024K, 3 young (3072K), 0 survivors (0K)
       Metaspace       used 35000K, committed 35500K, reserved 1114112K
      """;
    assertEquals(23456, ConnectionsScenario.heapUsedKib(info));
  }
}

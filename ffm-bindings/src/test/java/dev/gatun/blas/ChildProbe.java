package dev.gatun.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs in a child JVM started by {@link ChildJvmTest}: prints what the facade decided as {@code key=value} lines.
 * Arguments: {@code call} also tries an sgemm through the facade; {@code bundled} also loads the bundled library.
 */
public final class ChildProbe {

    private ChildProbe() {
    }

    public static void main(String[] args) {
        BlasInfo info = Blas.info();
        System.out.println("available=" + Blas.available());
        System.out.println("source=" + info.source());
        System.out.println("path=" + info.path());
        System.out.println("coreName=" + info.coreName());
        System.out.println("coreType=" + info.coreType());
        System.out.println("setByGatun=" + info.coreTypeSetByGatun());
        System.out.println("threads=" + info.threads());
        System.out.println("env=" + LibC.getenv(CoreType.ENV));
        System.out.println("info=" + info);
        for (String arg : args) {
            switch (arg) {
                case "call" -> System.out.println("call=" + call());
                case "bundled" -> {
                    try (BlasLibrary bundled = BlasLibrary.load(BlasInfo.Source.BUNDLED)) {
                        System.out.println("bundledCoreName=" + bundled.info().coreName());
                    }
                }
                default -> throw new IllegalArgumentException(arg);
            }
        }
    }

    private static String call() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            Blas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, a, 0, 2, 0f, c, 0, 2);
            return "ok " + c.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}

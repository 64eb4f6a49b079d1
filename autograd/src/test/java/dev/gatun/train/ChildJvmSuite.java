package dev.gatun.train;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs named check methods of a test class in a child JVM ({@link ChildJvm}): training tests run there so the JIT
 * profiles they leave (other shapes and paths through the sequence kernels) cannot change what later tests in the
 * surefire JVM measure: TrainingStepAllocationTest counts allocations that escape analysis removes only on clean
 * profiles (Adam's Panama kernel, once it has run on tiny parameters, boxes about 1 KB of vectors per step). A {@code Path dir} field is set to a fresh temporary folder per method, as {@code @TempDir} would.
 */
public final class ChildJvmSuite {
    private ChildJvmSuite() {}

    /** Runs {@code checks} of {@code testClass} in a child JVM; fails with the child's output if any check fails. */
    static void run(Class<?> testClass, String... checks) throws Exception {
        String[] args = new String[checks.length + 1];
        args[0] = testClass.getName();
        System.arraycopy(checks, 0, args, 1, checks.length);
        ChildJvm.run(ChildJvmSuite.class, new String[0], args);
    }

    /** Child JVM entry point: args are the class name and the method names; exits 1 after the first failure. */
    public static void main(String[] args) {
        try {
            Class<?> c = Class.forName(args[0]);
            for (int i = 1; i < args.length; i++) {
                Object test = newInstance(c);
                Method m = c.getDeclaredMethod(args[i]);
                m.setAccessible(true);
                Path dir = Files.createTempDirectory("gatun-test");
                try {
                    setDir(test, dir);
                    m.invoke(test);
                    System.out.println("ok " + args[i]);
                } catch (InvocationTargetException e) {
                    System.out.println("FAILED " + args[i]);
                    e.getCause().printStackTrace(System.out);
                    System.exit(1);
                } finally {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static Object newInstance(Class<?> c) throws ReflectiveOperationException {
        var ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }

    private static void setDir(Object test, Path dir) throws IllegalAccessException {
        for (Field f : test.getClass().getDeclaredFields()) {
            if (f.getType() == Path.class && f.getName().equals("dir")) {
                f.setAccessible(true);
                f.set(test, dir);
            }
        }
    }
}

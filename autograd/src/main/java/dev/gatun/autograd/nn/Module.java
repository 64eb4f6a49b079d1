package dev.gatun.autograd.nn;

import dev.gatun.autograd.Parameter;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model: named parameters and named child modules, in registration order, with PyTorch's names
 * ({@code weight_ih_l0}, {@code encoder.weight}) so a {@code state_dict} maps one to one. Parameters live in the
 * module's arena until {@link #close()}, which also closes the children.
 */
public abstract class Module implements AutoCloseable {
    /** Storage of this module's parameters. */
    protected final Arena arena = Arena.ofShared();
    private final Map<String, Parameter> own = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private boolean closed;

    /** Registers a zero-filled parameter of the given shape under {@code name}. */
    protected final Parameter parameter(String name, int... shape) {
        if (own.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        Parameter p = Parameter.allocate(arena, name, shape);
        own.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name}; its parameters are named {@code name.<its name>}. */
    protected final <M extends Module> M child(String name, M module) {
        if (own.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, module);
        return module;
    }

    /** Every parameter (own first, then children's), in registration order. */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every parameter under its dotted PyTorch name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(String prefix, Map<String, Parameter> into) {
        for (Map.Entry<String, Parameter> e : own.entrySet()) {
            into.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", into);
        }
    }

    /** Training mode (dropout active) or evaluation mode, for this module and its children. */
    public void train(boolean on) {
        training = on;
        for (Module m : children.values()) {
            m.train(on);
        }
    }

    /** True in training mode (the default). */
    public final boolean training() {
        return training;
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        for (Parameter p : own.values()) {
            p.zeroGrad();
        }
        for (Module m : children.values()) {
            m.zeroGrad();
        }
    }

    /** The child modules. */
    protected final List<Module> children() {
        return new ArrayList<>(children.values());
    }

    /** Frees the parameters (and whatever subclasses hold) and closes the children. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Module m : children.values()) {
            m.close();
        }
        arena.close();
    }
}

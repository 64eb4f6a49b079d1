package dev.gatun.autograd;

/**
 * The backward half of an operation: reads the output node's gradient and whatever the forward saved on the node,
 * and accumulates ({@code +=}) into the gradients of the inputs that require one. Implementations are stateless
 * constants next to their forward; everything per call lives on the node.
 */
@FunctionalInterface
interface Backward {
    void run(Var out);
}

package dev.gatun.kernels.cell;

import java.lang.foreign.MemorySegment;

/**
 * Test-only access to the scalar twins of the cell kernels (package-private in main), for the API fuzzer in
 * {@code dev.gatun.fuzz}: same arguments as the public facades, no validation.
 */
public final class CellTwins {
    private CellTwins() {}

    public static void lstmForward(int b, int h, MemorySegment xp, long xpo, MemorySegment hp, long hpo,
                                   MemorySegment cPrev, long cpo, MemorySegment gates, long go, MemorySegment c,
                                   long co, MemorySegment out, long oo, int ldh) {
        ScalarLstmCell.forward(b, h, xp, xpo, hp, hpo, cPrev, cpo, gates, go, c, co, out, oo, ldh);
    }

    public static void lstmBackward(int b, int h, MemorySegment dh, long dho, MemorySegment dc, long dco,
                                    MemorySegment gates, long go, MemorySegment c, long co, MemorySegment cPrev,
                                    long cpo, MemorySegment dPre, long dpo, MemorySegment dcPrev, long dcpo) {
        ScalarLstmCell.backward(b, h, dh, dho, dc, dco, gates, go, c, co, cPrev, cpo, dPre, dpo, dcPrev, dcpo);
    }

    public static void gruForward(int b, int h, MemorySegment xp, long xpo, MemorySegment hp, long hpo,
                                  MemorySegment hPrev, long hqo, int ldPrev, MemorySegment save, long so,
                                  MemorySegment out, long oo, int ldh) {
        ScalarGruCell.forward(b, h, xp, xpo, hp, hpo, hPrev, hqo, ldPrev, save, so, out, oo, ldh);
    }

    public static void gruBackward(int b, int h, MemorySegment dh, long dho, MemorySegment save, long so,
                                   MemorySegment hPrev, long hqo, int ldPrev, MemorySegment dxPre, long dxo,
                                   MemorySegment dhPre, long dhpo, MemorySegment dhPrev, long dhqo) {
        ScalarGruCell.backward(b, h, dh, dho, save, so, hPrev, hqo, ldPrev, dxPre, dxo, dhPre, dhpo, dhPrev, dhqo);
    }

    public static void rnnForward(boolean relu, int b, int h, MemorySegment xp, long xpo, MemorySegment hp, long hpo,
                                  MemorySegment out, long oo, int ldh) {
        ScalarRnnCell.forward(relu, b, h, xp, xpo, hp, hpo, out, oo, ldh);
    }

    public static void rnnBackward(boolean relu, int b, int h, MemorySegment dh, long dho, MemorySegment out,
                                   long oo, int ldh, MemorySegment dPre, long dpo) {
        ScalarRnnCell.backward(relu, b, h, dh, dho, out, oo, ldh, dPre, dpo);
    }

    public static void classicForwardGates(int b, int h, MemorySegment xp, long xpo, MemorySegment hp, long hpo,
                                           MemorySegment hPrev, long hqo, int ldPrev, MemorySegment save, long so,
                                           MemorySegment rh, long rho) {
        ScalarClassicGruCell.forwardGates(b, h, xp, xpo, hp, hpo, hPrev, hqo, ldPrev, save, so, rh, rho);
    }

    public static void classicForwardCandidate(int b, int h, MemorySegment xp, long xpo, MemorySegment hp, long hpo,
                                               MemorySegment hPrev, long hqo, int ldPrev, MemorySegment save,
                                               long so, MemorySegment out, long oo, int ldh) {
        ScalarClassicGruCell.forwardCandidate(b, h, xp, xpo, hp, hpo, hPrev, hqo, ldPrev, save, so, out, oo, ldh);
    }

    public static void classicBackwardCandidate(int b, int h, MemorySegment dh, long dho, MemorySegment save,
                                                long so, MemorySegment hPrev, long hqo, int ldPrev,
                                                MemorySegment dPre, long dpo, MemorySegment dhPrev, long dhqo) {
        ScalarClassicGruCell.backwardCandidate(b, h, dh, dho, save, so, hPrev, hqo, ldPrev, dPre, dpo, dhPrev, dhqo);
    }

    public static void classicBackwardGates(int b, int h, MemorySegment drh, long drho, MemorySegment save, long so,
                                            MemorySegment hPrev, long hqo, int ldPrev, MemorySegment dPre, long dpo,
                                            MemorySegment dhPrev, long dhqo) {
        ScalarClassicGruCell.backwardGates(b, h, drh, drho, save, so, hPrev, hqo, ldPrev, dPre, dpo, dhPrev, dhqo);
    }
}

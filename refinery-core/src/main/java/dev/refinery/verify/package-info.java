/**
 * Verification of math responses (issue 6, "Verify and filter"): final-answer extraction
 * ({@link dev.refinery.verify.BoxedAnswer}: last {@code \boxed}/{@code \fbox} outside the think
 * trace), normalization ({@link dev.refinery.verify.MathAnswer}), equivalence with a reference
 * ({@link dev.refinery.verify.MathGrader}) and self-consistency
 * ({@link dev.refinery.verify.MajorityVote}).
 *
 * <p>Decisions, compared with the common graders (Hendrycks MATH {@code is_equiv}/
 * {@code strip_string}, Qwen2.5-Math / NeMo-Skills {@code math_equal}):
 *
 * <ul>
 *   <li>Percentages: 50% = 50 always, and 50% = 0.5 only when one side wrote the percent sign.
 *       Qwen2.5-Math also accepts 0.5 = 50 without any sign; that is too lenient for filtering
 *       training data.
 *   <li>Numbers: two written numbers are compared exactly (BigDecimal); a computed value within a
 *       relative 1e-9; a decimal of at least three places matches a value that rounds to it
 *       (66.667 = 200/3). Qwen2.5-Math uses a relative 1e-4 everywhere, which equates 1000000 and
 *       1000001.
 *   <li>Units: only marked-up units after a value are dropped ({@code 5 \text{ cm}}); a bare
 *       {@code 1320 km} is kept, which is also how NeMo-Skills judged it.
 *   <li>Algebra: no computer-algebra system; both sides are evaluated at fixed sample points
 *       (up to four variables), which proves polynomial and rational identities with high
 *       confidence and never throws on unreadable output.
 *   <li>Lists: a bare list {@code 1, -2} is a set (any order); a bracketed tuple or interval is
 *       ordered and its brackets must match.
 * </ul>
 */
package dev.refinery.verify;

"""Official forms (Renstra and Renja matrices, Perjanjian Kinerja, IKU, metadata cards, Evaluasi Hasil
Renja, monitoring report) as one neutral description (``Form``) that both the Excel writer and the
browser print view lay out, so the two cannot drift apart."""

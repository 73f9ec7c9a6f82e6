//! Outcomes of the client layer → NX return codes. The only place where such codes are chosen.

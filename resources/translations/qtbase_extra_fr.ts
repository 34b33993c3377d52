<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own texts that Qt's French catalogue (qtbase_fr.qm, shipped by PySide6-Essentials)
     lacks for this Qt version: looked up after it (the runner installs Qt's translator last,
     so Qt's own French wins where it has one). Contexts are Qt's classes. -->
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Voir dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type :</translation>
    </message>
</context>
</TS>

<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="169" />
        <source>Workstation: {name}</source>
        <translation>Poste : {name}</translation>
    </message>
</context>
</TS>

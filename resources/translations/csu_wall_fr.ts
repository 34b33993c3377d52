<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>CameraTree</name>
    <message>
        <location filename="../../csu_wall/gui/camera_tree.py" line="59" />
        <source>Search a camera, a commune or an id</source>
        <translation>Rechercher une caméra, une commune ou un identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/camera_tree.py" line="81" />
        <source>{commune} (not habilitated)</source>
        <translation>{commune} (non habilité)</translation>
    </message>
</context>
<context>
    <name>FirstRunWindow</name>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="64" />
        <source>csu-wall — no site yet</source>
        <translation>csu-wall — aucun site configuré</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="66" />
        <source>No site is configured on this workstation</source>
        <translation>Aucun site n'est configuré sur ce poste</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="69" />
        <source>The database holds no commune, recorder or camera yet. Commune IT provides a site file describing them: apply it to start the wall. To discover the software without any real camera, open the demonstration: a fictitious site, clearly marked DEMO.</source>
        <translation>La base de données ne contient encore aucune commune, aucun enregistreur ni aucune caméra. Le service informatique de la commune fournit un fichier de site qui les décrit : appliquez-le pour démarrer le mur d'images. Pour découvrir le logiciel sans aucune caméra réelle, ouvrez la démonstration : un site fictif, clairement signalé DÉMO.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="76" />
        <source>Apply a site file…</source>
        <translation>Appliquer un fichier de site…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="78" />
        <source>Open the demo</source>
        <translation>Ouvrir la démo</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="111" />
        <source>Apply a site file</source>
        <translation>Appliquer un fichier de site</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="113" />
        <source>Site files (*.toml);;All files (*)</source>
        <translation>Fichiers de site (*.toml);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="39" />
        <source>csu-wall — video wall</source>
        <translation>csu-wall — mur d'images</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="50" />
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="67" />
        <source>DEMO — fictitious site, no real camera</source>
        <translation>DÉMO — site fictif, aucune caméra réelle</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="76" />
        <source>Operator: {name}</source>
        <translation>Opérateur : {name}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="94" />
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="95" />
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="105" />
        <source>{commune} (not habilitated)</source>
        <translation>{commune} (non habilité)</translation>
    </message>
</context>
<context>
    <name>SiteErrorsDialog</name>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="31" />
        <source>Site file refused</source>
        <translation>Fichier de site refusé</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="34" />
        <source>The site file {file} was not applied: correct the {count} problem(s) below, then apply it again.</source>
        <translation>Le fichier de site {file} n'a pas été appliqué : corrigez le ou les {count} problème(s) ci-dessous, puis appliquez-le de nouveau.</translation>
    </message>
</context>
<context>
    <name>TileWidget</name>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="55" />
        <source>connecting…</source>
        <translation>connexion…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="57" />
        <source>live</source>
        <translation>en direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="59" />
        <source>stream frozen</source>
        <translation>flux figé</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="61" />
        <source>lost — reconnecting…</source>
        <translation>perdu — reconnexion…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="63" />
        <source>credentials refused</source>
        <translation>identifiants refusés</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="65" />
        <source>unreachable</source>
        <translation>injoignable</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="67" />
        <source>not habilitated</source>
        <translation>non habilité</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="69" />
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="199" />
        <source>{seconds} s ago</source>
        <translation>il y a {seconds} s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="268" />
        <source>Drop a camera here</source>
        <translation>Déposez une caméra ici</translation>
    </message>
</context>
<context>
    <name>WallWidget</name>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="121" />
        <source>This camera cannot be opened. See the log or call commune IT.</source>
        <translation>Impossible d'ouvrir cette caméra. Consultez le journal ou appelez le service informatique de la commune.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="171" />
        <source>{live} of {total} tiles live</source>
        <translation>{live} tuile(s) en direct sur {total}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>csu-wall — sign in</source>
        <translation>csu-wall — connexion</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>Sign in to open the video wall</source>
        <translation>Connectez-vous pour ouvrir le mur d'images</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>No account? Ask the administrator (csu-wall user add).</source>
        <translation>Pas de compte ? Demandez-le à l'administrateur (csu-wall user add).</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="0" />
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Workstation locked</source>
        <translation>Poste verrouillé</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Shift handover (another operator takes over)</source>
        <translation>Relève de poste (un autre opérateur prend la suite)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>Locked by {name}. Sign in again to show the wall.</source>
        <translation>Verrouillé par {name}. Reconnectez-vous pour afficher le mur.</translation>
    </message>
</context>
<context>
    <name>LockController</name>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="0" />
        <source>&amp;Lock workstation</source>
        <translation>&amp;Verrouiller le poste</translation>
    </message>
</context>
</TS>
